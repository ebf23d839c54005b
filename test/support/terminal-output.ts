import { expect } from 'vitest';

/** C0 controls but \t and \n, DEL, and the C1 controls (0x9b is a one-byte CSI on some terminals). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

/**
 * Asserts that text bound for a terminal carries no raw control character, and that every line either
 * starts with `prefix` (an isolated package's output) or is one the caller expects from the host.
 */
export function assertTerminalSafe(text: string, options: { prefix: string; except: (line: string) => boolean }): void {
  const bytes = Buffer.from(text, 'utf8');
  const raw = [...bytes].findIndex((b) => (b <= 0x1f && b !== 0x09 && b !== 0x0a) || b === 0x7f);
  expect(raw, `raw control byte 0x${bytes[raw]?.toString(16)} at ${raw}: ${JSON.stringify(bytes.subarray(Math.max(0, raw - 40), raw + 40).toString())}`).toBe(-1);
  expect(text).not.toMatch(RAW_CONTROL);
  for (const line of text.split('\n')) {
    if (line === '' || options.except(line)) continue;
    expect(line.startsWith(options.prefix), `line without the package prefix: ${JSON.stringify(line)}`).toBe(true);
  }
}

/** The host's own lines about a package's denials (their guest-chosen parts are quoted and escaped). */
export function isHostDenialLine(line: string): boolean {
  return line.startsWith('isolate-deps: denied ') || line.startsWith('isolate-deps: further denials of ');
}
