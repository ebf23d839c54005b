/** How long an unbroken run of base64 characters must be to count as encoded data. */
export const ENCODED_RUN = 4096;
const ESCAPED_RUN = /(?:\\x[0-9a-fA-F]{2}){256,}|(?:\\u[0-9a-fA-F]{4}){256,}/g;

/**
 * Long runs of base64 or escaped bytes (obfuscation signals), in one linear pass.
 * Why not one regex: `[A-Za-z0-9+/]{4096,}` backtracks quadratically on data-heavy files.
 */
export function encodedRuns(text: string): { start: number; length: number }[] {
  const runs: { start: number; length: number }[] = [];
  if (text.length < ENCODED_RUN) return runs;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    // A-Z a-z 0-9 + /
    const base64 = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (base64) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= ENCODED_RUN) runs.push({ start, length: i - start });
      start = -1;
    }
  }
  // Escaped bytes need a backslash, so most files skip this regex at once.
  if (text.includes('\\x') || text.includes('\\u')) for (const m of text.matchAll(ESCAPED_RUN)) runs.push({ start: m.index, length: m[0].length });
  return runs;
}
