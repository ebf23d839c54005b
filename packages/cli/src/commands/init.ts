import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { audit, starterPolicy } from '@isolate-deps/analyzer';
import { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy } from '@isolate-deps/policy';
import { UsageError } from '../terminal.ts';
import { workerScript } from '../worker-script.ts';
import type { Command } from './command.ts';
import { INCLUDE, rootOf, requireProject, scopeOf } from './policy-option.ts';

/** `isolate-deps init`: a starter policy from what the installed packages do today. */
export const initCommand: Command = {
  name: 'init',
  summary: 'write a starter policy that records what every installed package does today',
  help: `Usage: isolate-deps init [--policy F] [--force]

Analyses the app's production dependencies and writes a policy:
- "isolate": true for the direct dependencies worth isolating (they can run isolated, and handle untrusted
  input or use the network or write files), ranked, with the reason for each;
- "reviewed" lists recording every other package's capabilities today (and "allowScripts" its install
  scripts), so that \`isolate-deps audit\` passes now and fails when a package later does more.
isolate-deps' own packages never count. Review the file, then build: \`isolate-deps suggest\` finds the grants.

Options:
  --policy F    the policy file to write (default: isolate-deps.policy.json in the root)
  --root DIR    project folder (default: the nearest folder from here up with a package.json)
  --include=dev count the dev dependencies too
  --force       update an existing policy (its entries and settings are kept; "reviewed" is replaced)
  -h, --help    show this help
`,
  options: { root: { type: 'string' }, policy: { type: 'string' }, ...INCLUDE, force: { type: 'boolean', default: false } },
  async run(values, positionals, out) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const scope = scopeOf(values);
    const root = rootOf(values);
    requireProject(root, typeof values.root === 'string');
    const file = typeof values.policy === 'string' ? path.resolve(values.policy) : path.join(root, DEFAULT_POLICY_FILE);
    const exists = existsSync(file);
    if (exists && !values.force) throw new UsageError(`${file} exists; pass --force to update it`);
    const existing = exists ? loadPolicy(file) : undefined;
    const report = await audit({ root, scope, workerScript: workerScript() });
    const starter = starterPolicy(report, existing);
    const text = `${compactStringArrays(JSON.stringify(starter.json, null, 2))}\n`;
    parsePolicy(text, file); // what init writes must load
    writeFileSync(file, text);
    const shown = path.relative(process.cwd(), file) || file;
    out.write(`${exists ? 'updated' : 'wrote'} ${shown}: ${starter.suggestIsolation.length} isolated, ${Object.keys(starter.json.packages).length - starter.suggestIsolation.length} reviewed, of ${report.packages.length} ${scope === 'production' ? 'production' : 'production and dev'} dependencies\n`);
    for (const w of report.warnings) out.error(`warning: ${w.file}: ${w.message}\n`);
    if (starter.allowedScripts.length > 0) {
      out.write('\nInstall scripts allowed as they run today (review them):\n');
      for (const s of starter.allowedScripts) out.write(`  ${s.name}: ${s.scripts.join(', ')}\n`);
    }
    if (starter.suggestIsolation.length > 0) {
      out.write('\nIsolated ("isolate": true), most protective first; review them:\n');
      const width = Math.max(...starter.suggestIsolation.map((s) => s.name.length));
      starter.suggestIsolation.forEach((s, i) => out.write(`  ${i + 1}. ${s.name.padEnd(width)}  ${s.reasons.join('; ')}\n`));
    }
    if (starter.cannotIsolate.length > 0) {
      out.write('\nCannot run isolated (left native, their capabilities recorded as reviewed):\n');
      for (const s of starter.cannotIsolate) out.write(`  ${s.name}: ${s.reasons.join('; ')}\n`);
    }
    if (starter.suggestIsolation.length > 0) {
      out.write(`\nNext: add the isolate-deps plugin to your build, build and run the app once, then \`npx isolate-deps suggest -- <command>\` lists the grants each isolated package needs.\n`);
    }
    return 0;
  },
};

/** Puts arrays of strings on one line: `"reviewed": ["env", "net"]` reads better in review than a column. */
function compactStringArrays(json: string): string {
  return json.replace(/\[\n\s+("(?:[^"\\\n]|\\.)*"(?:,\n\s+"(?:[^"\\\n]|\\.)*")*)\n\s+\]/g, (_, items: string) => `[${items.replace(/,\n\s+/g, ', ')}]`);
}
