import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { audit, starterPolicy } from '@isolate-deps/analyzer';
import { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy } from '@isolate-deps/policy';
import { UsageError } from '../terminal.ts';
import { workerScript } from '../worker-script.ts';
import type { Command } from './command.ts';
import { rootOf } from './policy-option.ts';

/** `isolate-deps init`: a starter policy from what the installed packages do today. */
export const initCommand: Command = {
  name: 'init',
  summary: 'write a starter policy that records what every installed package does today',
  help: `Usage: isolate-deps init [--policy F] [--force]

Analyses the installed packages and writes a policy whose "reviewed" lists record each package's
capabilities today (and "allowScripts" its install scripts), so that \`isolate-deps audit\` passes now
and fails when a package later does more. Prints the risky packages worth isolating. Review the file.

Options:
  --policy F    the policy file to write (default: isolate-deps.policy.json in the root)
  --root DIR    project folder (default: current folder)
  --force       update an existing policy (its entries and settings are kept; "reviewed" is replaced)
  -h, --help    show this help
`,
  options: { root: { type: 'string' }, policy: { type: 'string' }, force: { type: 'boolean', default: false } },
  async run(values, positionals, out) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const root = rootOf(values);
    const file = typeof values.policy === 'string' ? path.resolve(values.policy) : path.join(root, DEFAULT_POLICY_FILE);
    const exists = existsSync(file);
    if (exists && !values.force) throw new UsageError(`${file} exists; pass --force to update it`);
    const existing = exists ? loadPolicy(file) : undefined;
    const report = await audit({ root, workerScript: workerScript() });
    const starter = starterPolicy(report, existing);
    const text = `${compactStringArrays(JSON.stringify(starter.json, null, 2))}\n`;
    parsePolicy(text, file); // what init writes must load
    writeFileSync(file, text);
    out.write(`${exists ? 'updated' : 'wrote'} ${path.relative(process.cwd(), file) || file}: ${Object.keys(starter.json.packages).length} packages reviewed of ${report.packages.length} installed\n`);
    for (const w of report.warnings) out.error(`warning: ${w.file}: ${w.message}\n`);
    if (starter.allowedScripts.length > 0) {
      out.write('\nInstall scripts allowed as they run today (review them):\n');
      for (const s of starter.allowedScripts) out.write(`  ${s.name}: ${s.scripts.join(', ')}\n`);
    }
    if (starter.suggestIsolation.length > 0) {
      out.write('\nConsider isolating these direct dependencies ("isolate": true, then grant only what they need):\n');
      for (const s of starter.suggestIsolation) out.write(`  ${s.name}  (${s.capabilities.length > 0 ? s.capabilities.join(', ') : 'needs no capability'})\n`);
    }
    return 0;
  },
};

/** Puts arrays of strings on one line: `"reviewed": ["env", "net"]` reads better in review than a column. */
function compactStringArrays(json: string): string {
  return json.replace(/\[\n\s+("(?:[^"\\\n]|\\.)*"(?:,\n\s+"(?:[^"\\\n]|\\.)*")*)\n\s+\]/g, (_, items: string) => `[${items.replace(/,\n\s+/g, ', ')}]`);
}
