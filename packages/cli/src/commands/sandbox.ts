import path from 'node:path';
import { runSandboxed, SandboxUnavailableError, type SandboxResult } from '@isolate-deps/sandbox';
import { describeViolation } from '../format/scripts.ts';
import { exitOnSignals, UsageError } from '../terminal.ts';
import { oneOf } from './audit.ts';
import type { Command } from './command.ts';
import { rootOf } from './policy-option.ts';

const FORMATS = ['text', 'json'] as const;

/** `isolate-deps sandbox -- <command>`: any command in the install scripts' sandbox. */
export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'run any command in the sandbox of install scripts (no network, empty HOME, sources hidden)',
  help: `Usage: isolate-deps sandbox [--net host:port ...] [--write DIR ...] [--root DIR] [--format text|json] -- <command> [args...]

Runs the command in the sandbox that \`isolate-deps scripts\` gives each install script: the system and
the project's node_modules read-only, the rest of the project hidden, an empty HOME, a private /tmp,
no network, PATH and HOME as the only environment, memory/process/time limits. Writes outside the
--write folders are kept out of the real file system and reported.

Options:
  --net H:P        let the command reach host H on port P through the filtering proxy (repeatable; "*.example.com" works)
  --write DIR      make DIR writable (repeatable)
  --env NAME       pass the environment variable NAME through (repeatable)
  --root DIR       project folder (default: current folder); its node_modules is visible read-only
  --memory-mb N    memory ceiling (default 4096)
  --timeout-ms N   wall-clock limit (default 600000)
  --format F       text (default) or json: the report, on standard error for text
  -h, --help       show this help

Exit codes: 0 the command exited 0 with no violation, 1 it failed or violated the sandbox, 2 usage error or no sandbox here.
`,
  options: {
    net: { type: 'string', multiple: true },
    write: { type: 'string', multiple: true },
    env: { type: 'string', multiple: true },
    root: { type: 'string' },
    'memory-mb': { type: 'string' },
    'timeout-ms': { type: 'string' },
    format: { type: 'string', default: 'text' },
  },
  async run(values, positionals, out) {
    exitOnSignals();
    if (positionals.length === 0) throw new UsageError('no command: isolate-deps sandbox [options] -- <command> [args...]');
    const format = oneOf(values.format, FORMATS, '--format');
    const root = rootOf(values);
    const list = (name: string) => ((values as Record<string, unknown>)[name] as string[] | undefined) ?? [];
    const number = (name: string) => {
      const raw = values[name];
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer (got ${JSON.stringify(raw)})`);
      return n;
    };
    const env: Record<string, string> = {};
    for (const name of list('env')) if (process.env[name] !== undefined) env[name] = process.env[name]!;
    const memoryMb = number('memory-mb');
    const timeoutMs = number('timeout-ms');
    let result: SandboxResult;
    try {
      result = await runSandboxed({
        command: positionals.map(shellQuote).join(' '),
        cwd: process.cwd(),
        root,
        writable: list('write').map((d) => path.resolve(d)),
        net: list('net'),
        env,
        limits: { ...(memoryMb ? { memoryMb } : {}), ...(timeoutMs ? { timeoutMs } : {}) },
        onOutput: (chunk) => out.write(chunk),
      });
    } catch (error) {
      if (error instanceof SandboxUnavailableError) {
        out.error(`isolate-deps sandbox: no sandbox: ${error.reason}.\n${error.hint}.\n`);
        return 2;
      }
      if (error instanceof Error && /invalid host pattern/.test(error.message)) throw new UsageError(error.message);
      throw error;
    }
    if (format === 'json') out.write(`${JSON.stringify({ exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, limitsVia: result.limitsVia, limitsNote: result.limitsNote, violations: result.violations }, null, 2)}\n`);
    else {
      if (result.limitsNote) out.error(`isolate-deps sandbox: warning: ${result.limitsNote}\n`);
      for (const v of result.violations) out.error(`isolate-deps sandbox: ${v.kind}: ${describeViolation(v)}\n`);
    }
    return result.violations.length > 0 ? 1 : 0;
  },
};

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
