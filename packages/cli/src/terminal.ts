/** Where a command writes, and whether that place is a colour terminal. */
export interface Output {
  write(text: string): void;
  error(text: string): void;
  /** Colours only on a TTY, never with NO_COLOR set. */
  color: boolean;
  /** A progress line only makes sense on an interactive stderr. */
  progress: boolean;
}

/** The process's stdout/stderr as an Output. */
export function processOutput(): Output {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    write: (text) => process.stdout.write(text),
    error: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !noColor,
    progress: Boolean(process.stderr.isTTY),
  };
}

/** ANSI styles that turn into no-ops when colour is off. */
export function styles(color: boolean) {
  const wrap = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22), green: wrap(32, 39) };
}

/** A problem with the command line or the configuration: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Ctrl-C and SIGTERM end the process through process.exit, so that "exit" handlers run (the sandbox's
 * remove its cgroups; its processes die with their parent either way).
 */
export function exitOnSignals(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => process.exit(code));
}
