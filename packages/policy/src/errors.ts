/** A problem in a policy file: which file, where in it (JSON path), what was expected and what was found. */
export class PolicyError extends Error {
  readonly code = 'ERR_POLICY_INVALID';
  constructor(
    readonly file: string,
    readonly jsonPath: string,
    readonly expected: string,
    readonly got: string,
    readonly hint?: string,
  ) {
    super(`${file}: ${jsonPath}: expected ${expected}, got ${got}${hint ? ` (${hint})` : ''}`);
    this.name = 'PolicyError';
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
