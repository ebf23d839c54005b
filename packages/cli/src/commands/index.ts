import { auditCommand } from './audit.ts';
import { buildCommand } from './build.ts';
import { cacheCommand } from './cache.ts';
import type { Command } from './command.ts';
import { explainCommand } from './explain.ts';
import { initCommand } from './init.ts';
import { sandboxCommand } from './sandbox.ts';
import { scriptsCommand } from './scripts.ts';
import { runCommand } from './run.ts';
import { suggestCommand } from './suggest.ts';
import { traceCommand } from './trace.ts';

/** The subcommands by name; add one file per command and list it here. */
export const COMMANDS: Record<string, Command> = {
  [auditCommand.name]: auditCommand,
  [initCommand.name]: initCommand,
  [explainCommand.name]: explainCommand,
  [traceCommand.name]: traceCommand,
  [suggestCommand.name]: suggestCommand,
  [scriptsCommand.name]: scriptsCommand,
  [sandboxCommand.name]: sandboxCommand,
  [buildCommand.name]: buildCommand,
  [runCommand.name]: runCommand,
  [cacheCommand.name]: cacheCommand,
};
