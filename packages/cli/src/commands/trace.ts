import { formatTraceText, readTrace, summarizeTrace, TraceFileError } from '@isolate-deps/trace';
import { UsageError } from '../terminal.ts';
import { oneOf } from './audit.ts';
import type { Command } from './command.ts';

/** `isolate-deps trace <file>`: per-package summary of a JSONL trace written with ISOLATE_DEPS_TRACE. */
export const traceCommand: Command = {
  name: 'trace',
  summary: 'summarise a trace file written with ISOLATE_DEPS_TRACE=<file>',
  help: `Usage: isolate-deps trace <file> [--format text|json]

Reads a JSONL trace (run your app with ISOLATE_DEPS_TRACE=<file>) and prints, per isolated package:
calls, total and p50/p99 time, share of time, capabilities used and denied, instances created and traps.

Options:
  --format F    text (default) or json
  -h, --help    show this help
`,
  options: { format: { type: 'string', default: 'text' } },
  async run(values, positionals, out) {
    if (positionals.length !== 1) throw new UsageError('trace takes one trace file, e.g. `isolate-deps trace trace.jsonl`');
    const format = oneOf(values.format, ['text', 'json'] as const, '--format');
    let summaries;
    try {
      summaries = summarizeTrace(readTrace(positionals[0]!));
    } catch (error) {
      if (error instanceof TraceFileError) throw new UsageError(error.message);
      throw error;
    }
    out.write(format === 'json' ? `${JSON.stringify(summaries, null, 2)}\n` : `${formatTraceText(summaries)}\n`);
    return 0;
  },
};
