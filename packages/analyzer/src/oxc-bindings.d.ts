// oxc-parser's native binding, exported by the package as "./src-js/bindings" (no typings of its own).
// Used directly so a parse converts only the AST JSON and the errors, not comments and module records.
declare module 'oxc-parser/src-js/bindings' {
  import type { OxcError, ParserOptions } from 'oxc-parser';
  /** The native result: `program` is `{"node": Program, "fixes": [...]}` as JSON text. */
  export function parseSync(filename: string, sourceText: string, options?: ParserOptions): { readonly program: string; readonly errors: OxcError[] };
}
