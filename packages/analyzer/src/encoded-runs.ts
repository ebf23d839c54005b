/** How long an unbroken run of base64 characters must be to count as encoded data. */
export const ENCODED_RUN = 4096;
const ESCAPED_RUN = /(?:\\x[0-9a-fA-F]{2}){256,}|(?:\\u[0-9a-fA-F]{4}){256,}/g;

// A-Z a-z 0-9 + /
function isBase64(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/**
 * Long runs of base64 or escaped bytes (obfuscation signals).
 * Why not one regex: `[A-Za-z0-9+/]{4096,}` backtracks quadratically on data-heavy files. Why only
 * every ENCODED_RUN-th character is looked at first: a run that long covers one of them, and growing
 * the run around each base64 one finds its ends; ordinary code is then read once per 4096 characters,
 * not character by character.
 */
export function encodedRuns(text: string): { start: number; length: number }[] {
  const runs: { start: number; length: number }[] = [];
  if (text.length < ENCODED_RUN) return runs;
  for (let probe = ENCODED_RUN - 1; probe < text.length; probe += ENCODED_RUN) {
    if (!isBase64(text.charCodeAt(probe))) continue;
    let start = probe;
    while (start > 0 && isBase64(text.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < text.length && isBase64(text.charCodeAt(end))) end++;
    if (end - start >= ENCODED_RUN) runs.push({ start, length: end - start });
    // Probing goes on past the run's end (a probe inside it would find it again).
    probe = Math.max(probe, end - ENCODED_RUN);
  }
  // Escaped bytes need a backslash, so most files skip this regex at once.
  if (text.includes('\\x') || text.includes('\\u')) for (const m of text.matchAll(ESCAPED_RUN)) runs.push({ start: m.index, length: m[0].length });
  return runs;
}
