import { parseArgs } from 'node:util';
import { isAnalysisWorker, serveAnalysisWorker } from '@isolate-deps/analyzer';
import { PolicyError } from '@isolate-deps/policy';
import { COMMANDS } from './commands/index.ts';
import { processOutput, UsageError, type Output } from './terminal.ts';
import { cliVersion } from './version.ts';

export type { Command, OptionValues } from './commands/command.ts';
export { COMMANDS } from './commands/index.ts';
export { formatMarkdown } from './format/markdown.ts';
export { formatSarif } from './format/sarif.ts';
export { formatText } from './format/text.ts';
export { UsageError, type Output } from './terminal.ts';
export { cliVersion } from './version.ts';

function globalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return `Usage: isolate-deps <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Options:
  -h, --help     show help (also: isolate-deps <command> --help)
  -v, --version  print the version
`;
}

/** Runs the isolate-deps CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], out: Output = processOutput()): Promise<number> {
  // The bundled CLI is also the script of the audit's worker threads.
  if (isAnalysisWorker()) {
    serveAnalysisWorker();
    return 0;
  }
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    out.write(`${cliVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.write(globalHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.error(`isolate-deps: unknown command "${name}"\n\n${globalHelp()}`);
    return 2;
  }
  try {
    if (command.passThrough) return await command.run({}, rest, out);
    const { values, positionals } = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (values.help) {
      out.write(command.help);
      return 0;
    }
    return await command.run(values, positionals, out);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      out.error(`isolate-deps ${name}: ${(error as Error).message}\n(see isolate-deps ${name} --help)\n`);
      return 2;
    }
    if (error instanceof PolicyError) {
      out.error(`isolate-deps ${name}: invalid policy: ${error.message}\n${error.codeFrame ? `${error.codeFrame}\n` : ''}`);
      return 2;
    }
    throw error;
  }
}
