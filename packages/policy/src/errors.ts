/** Where in the policy file a problem is: `line` counts from 1, `column` from 0 (esbuild's convention). */
export interface PolicyLocation {
  line: number;
  column: number;
  lineText: string;
}

/** A problem in a policy file: which file, where in it (line:column and JSON path), what was expected and what was found. */
export class PolicyError extends Error {
  readonly code = 'ERR_POLICY_INVALID';
  constructor(
    readonly file: string,
    readonly jsonPath: string,
    readonly expected: string,
    readonly got: string,
    readonly hint?: string,
    readonly location?: PolicyLocation,
  ) {
    const at = location ? `${file}:${location.line}:${location.column + 1}` : file;
    super(`${at}: ${jsonPath}: expected ${expected}, got ${got}${hint ? ` (${hint})` : ''}`);
    this.name = 'PolicyError';
  }

  /** The offending line with a caret under the column, for terminals (empty without a location). */
  get codeFrame(): string {
    if (!this.location) return '';
    const { line, column, lineText } = this.location;
    const gutter = `${line} | `;
    return `${gutter}${lineText}\n${' '.repeat(gutter.length + column)}^`;
  }
}

/** Shows a found value briefly in an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array (${truncate(JSON.stringify(value))})`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${truncate(JSON.stringify(value))})`;
  return `${typeof value} ${truncate(JSON.stringify(value))}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
