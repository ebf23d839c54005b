/** An ESTree node as oxc-parser returns it (plain JSON objects with start/end offsets). */
// biome-ignore lint: the AST is untyped JSON here; the visitor checks `type` before reading fields.
export type AstNode = { type: string; start: number; end: number; [key: string]: any };

/**
 * Visits only the nodes whose span contains one of `offsets` (sorted), with their parent.
 * Why: the token scan already knows where the interesting code is; walking the whole AST of a
 * bundle costs more than parsing it.
 */
export function walkCandidates(root: AstNode, offsets: number[], visit: (node: AstNode, parent: AstNode | undefined) => void): void {
  const contains = (start: number, end: number): boolean => {
    let low = 0;
    let high = offsets.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (offsets[mid]! < start) low = mid + 1;
      else high = mid;
    }
    return low < offsets.length && offsets[low]! < end;
  };
  const walk = (node: AstNode, parent: AstNode | undefined): void => {
    visit(node, parent);
    for (const key in node) {
      const value = node[key];
      if (value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child) && contains(child.start, child.end)) walk(child, node);
      } else if (isNode(value) && contains(value.start, value.end)) {
        walk(value, node);
      }
    }
  };
  if (contains(root.start, root.end)) walk(root, undefined);
}

function isNode(value: unknown): value is AstNode {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}
