// Text from an isolated package is untrusted, and a terminal obeys control characters: a carriage return or
// `ESC[2K` rewrites a line, OSC 52 sets the clipboard, a newline starts a line that looks like the host's.
// Escaping every control code point is one character class; a library such as strip-ansi removes only
// well-formed ANSI sequences and leaves `\r`, backspace and a lone ESC through.

/** C0 and DEL, the C1 controls (0x9b is a one-byte CSI on some terminals), line/paragraph separators and bidi overrides. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** The same, but tab and newline pass: the caller prefixes each line. */
const CONTROL_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const SHORT: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
const escapeOne = (c: string) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Guest output for the terminal: each line behind `prefix`, every control character escaped (CRLF counts as one break). */
export function prefixedLines(prefix: string, text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => `${prefix}${line.replace(CONTROL_IN_LINES, escapeOne)}`)
    .join('\n');
}

/** Longest guest-chosen value shown in a host message; the rest is counted, not printed. */
const SHOWN = 200;

/** A guest-chosen value inside a host message: one line, in double quotes that it cannot close, cut past 200 characters. */
export function quoted(text: string): string {
  const cut = text.length > SHOWN;
  const shown = cut ? text.slice(0, /[\ud800-\udbff]/.test(text[SHOWN - 1]!) ? SHOWN - 1 : SHOWN) : text;
  const body = `"${shown.replace(/["\\]/g, '\\$&').replace(CONTROL, escapeOne)}"`;
  return cut ? `${body}… (${text.length} characters)` : body;
}

/** A name inside a host message: bare when it is a plain identifier like `fs.read`, quoted otherwise. */
export function bareOrQuoted(text: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(text) ? text : quoted(text);
}
