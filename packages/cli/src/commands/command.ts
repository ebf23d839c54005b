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
  run(values: OptionValues, positionals: string[], out: Output): Promise<number>;
}
