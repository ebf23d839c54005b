/** An ESTree node as oxc-parser returns it (plain JSON objects with start/end offsets). */
// biome-ignore lint: the AST is untyped JSON here; the visitor checks `type` before reading fields.
export type AstNode = { type: string; start: number; end: number; [key: string]: any };
