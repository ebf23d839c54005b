import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../terminal.ts';
import type { Command } from './command.ts';

const HELP = `Usage: isolate-deps run [--frozen] [--policy file] <app.js> [app arguments...]

Runs a Node app unbundled, with every isolated package of its policy served by its component:
the same as \`node --import isolate-deps/register <app.js>\`.

Options (before the app):
  --frozen        a missing or stale component is an error instead of a compilation (ISOLATE_DEPS_FROZEN=1)
  --policy FILE   the policy (default: the nearest isolate-deps.policy.json from the app's folder up)
  -h, --help      show this help
`;

/** `isolate-deps run app.js [args]`: node --import isolate-deps/register app.js args, with the app's exit code. */
export const runCommand: Command = {
  name: 'run',
  summary: 'run a Node app unbundled under isolate-deps/register',
  help: HELP,
  options: {},
  // Everything after the app belongs to the app: the command reads its own options itself.
  passThrough: true,
  async run(_values, args, out) {
    const env = { ...process.env };
    let at = 0;
    for (; at < args.length && args[at]!.startsWith('-'); at++) {
      const option = args[at]!;
      if (option === '--help' || option === '-h') {
        out.write(HELP);
        return 0;
      } else if (option === '--frozen') env.ISOLATE_DEPS_FROZEN = '1';
      else if (option === '--policy' && args[at + 1] !== undefined) env.ISOLATE_DEPS_POLICY = args[++at]!;
      else if (option === '--') {
        at++;
        break;
      } else throw new UsageError(`unknown option ${option}`);
    }
    const [app, ...appArgs] = args.slice(at);
    if (app === undefined) throw new UsageError('run takes the app to run, e.g. `isolate-deps run app.js`');
    const register = fileURLToPath(new URL('./register.js', import.meta.url));
    const child = spawn(process.execPath, ['--import', register, app, ...appArgs], { env, stdio: 'inherit' });
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  },
};
