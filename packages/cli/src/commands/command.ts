import type { ParseArgsConfig } from 'node:util';
import type { Output } from '../terminal.ts';

/** Option values as util.parseArgs returns them. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** One subcommand: its options, its --help text and what it does. Returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  /** The --help text (usage line and options). */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** The command gets its arguments unparsed (`run app.js --port 3`: the app's options are not the CLI's). */
  passThrough?: boolean;
  run(values: OptionValues, positionals: string[], out: Output): Promise<number>;
}
