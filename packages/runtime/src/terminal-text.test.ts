import { describe, expect, it } from 'vitest';
import { bareOrQuoted, prefixedLines, quoted } from './terminal-text.ts';

describe('terminal text', () => {
  it('keeps every line of guest output behind the prefix and escapes control characters', () => {
    expect(prefixedLines('[p] ', 'ok\r\u001b[2Kforged\nnext\r\nlast\u0007\u009b\u202e\ttab')).toBe('[p] ok\\r\\u001b[2Kforged\n[p] next\n[p] last\\u0007\\u009b\\u202e\ttab');
  });

  it('quotes a value so that it cannot close its quotes, start a line or run on for a megabyte', () => {
    expect(quoted('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(quoted('x'.repeat(1_000_000))).toBe(`"${'x'.repeat(200)}"… (1000000 characters)`);
    expect(quoted(`${'x'.repeat(198)}😀`)).toBe(`"${'x'.repeat(198)}😀"`);
    // never half a surrogate pair
    expect(quoted(`${'x'.repeat(199)}😀`)).toBe(`"${'x'.repeat(199)}"… (201 characters)`);
  });

  it('leaves plain capability names bare and quotes anything else', () => {
    expect(bareOrQuoted('fs.read')).toBe('fs.read');
    expect(bareOrQuoted('child_process')).toBe('child_process');
    expect(bareOrQuoted('env "X" to "other"')).toBe('"env \\"X\\" to \\"other\\""');
  });
});
