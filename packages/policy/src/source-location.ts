import type { Node, ParseError } from 'jsonc-parser';
import type { PolicyLocation } from './errors.ts';
import { jsoncParser } from './lazy-modules.ts';

/**
 * Maps JSON paths and parse errors of a policy file back to line:column. jsonc-parser is the parser behind
 * VS Code's JSON support, so positions agree with what the editor shows for the same file.
 */
export class PolicySource {
  private readonly lineStarts: number[] = [0];
  private tree: Node | undefined;

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** The first syntax error, as jsonc-parser names it, with its position. */
  syntaxError(): { reason: string; location: PolicyLocation } | undefined {
    const errors: ParseError[] = [];
    const { parseTree, printParseErrorCode } = jsoncParser();
    parseTree(this.text, errors, { allowTrailingComma: false, disallowComments: true });
    const first = errors[0];
    return first && { reason: printParseErrorCode(first.error), location: this.at(first.offset) };
  }

  /** The position of a JSON path: a key for a property (so an unknown key points at itself), else the value, else the nearest parent. */
  locate(segments: (string | number)[]): PolicyLocation | undefined {
    const { findNodeAtLocation, parseTree } = jsoncParser();
    this.tree ??= parseTree(this.text);
    if (!this.tree) return undefined;
    for (let depth = segments.length; depth >= 0; depth--) {
      const node = findNodeAtLocation(this.tree, segments.slice(0, depth));
      if (!node) continue;
      const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      return this.at((key ?? node).offset);
    }
    return undefined;
  }

  private at(offset: number): PolicyLocation {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo]!;
    const end = this.text.indexOf('\n', start);
    return { line: lo + 1, column: offset - start, lineText: this.text.slice(start, end === -1 ? undefined : end).replace(/\r$/, '') };
  }
}

/** Parses `$.packages["a b"].allow.env[0]` (as jsonPath() writes it) back into segments. */
export function pathSegments(jsonPath: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const m of jsonPath.slice(1).matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    segments.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  }
  return segments;
}
