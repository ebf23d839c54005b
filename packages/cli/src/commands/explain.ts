import { audit, explainPackage, type Explanation } from '@isolate-deps/analyzer';
import { styles, UsageError } from '../terminal.ts';
import { oneOf } from './audit.ts';
import { workerScript } from '../worker-script.ts';
import type { Command } from './command.ts';
import { ROOT_AND_POLICY, policyFor, requireProject, rootOf } from './policy-option.ts';

/** `isolate-deps explain <pkg>`: detected against granted capabilities, with file:line evidence. */
export const explainCommand: Command = {
  name: 'explain',
  summary: "show one package's detected capabilities against the policy, with file:line evidence",
  help: `Usage: isolate-deps explain <package> [--policy F] [--format text|json]

Shows, for each installed version of <package>: where it is, who depends on it, its install scripts,
and every capability detected in its code with file:line evidence, next to what the policy grants
(isolated packages) or records as reviewed.

Options:
  --policy F    policy file (default: isolate-deps.policy.json in the root)
  --root DIR    project folder (default: the nearest folder from here up with the policy, else a package.json)
  --format F    text (default) or json
  -h, --help    show this help
`,
  options: { ...ROOT_AND_POLICY, format: { type: 'string', default: 'text' } },
  async run(values, positionals, out) {
    if (positionals.length !== 1) throw new UsageError('explain takes one package name, e.g. `isolate-deps explain yaml`');
    const format = oneOf(values.format, ['text', 'json'] as const, '--format');
    const root = rootOf(values);
    requireProject(root, typeof values.root === 'string');
    const policy = policyFor(root, values.policy, out);
    // Any of the app's packages can be explained, dev ones too; never the tool's own.
    const report = await audit({ root, policy, scope: 'development', workerScript: workerScript() });
    const explanations = explainPackage(report, policy, positionals[0]!);
    if (explanations.length === 0) throw new UsageError(`"${positionals[0]}" is not installed under ${root}`);
    out.write(format === 'json' ? `${JSON.stringify(explanations, null, 2)}\n` : explanations.map((e) => renderExplanation(e, out.color)).join('\n'));
    return 0;
  },
};

const STATUS_COLOR = { granted: 'green', reviewed: 'green', 'not risky': 'dim', denied: 'yellow', drift: 'red', unreviewed: 'red' } as const;

function renderExplanation(e: Explanation, color: boolean): string {
  const s = styles(color);
  const p = e.package;
  const lines = [s.bold(p.id)];
  lines.push(`  paths:       ${p.paths.join(', ')}`);
  lines.push(`  dependents:  ${p.dependents.join(', ') || '(none)'}`);
  if (Object.keys(p.bin).length > 0) lines.push(`  bin:         ${Object.keys(p.bin).join(', ')}`);
  for (const [script, command] of Object.entries(p.installScripts)) lines.push(`  ${`${script}:`.padEnd(13)}${command}`);
  const policy = e.policyKey === undefined ? 'not in the policy' : e.isolated ? `isolated by "${e.policyKey}", grants ${JSON.stringify(e.grant)}` : `"${e.policyKey}", reviewed [${(e.reviewed ?? []).join(', ')}]`;
  lines.push(`  policy:      ${policy}`);
  const advice = e.advice.verdict === 'cannot' ? 'cannot run isolated' : e.advice.verdict === 'propose' ? 'worth isolating' : 'can run isolated, little to gain';
  lines.push(`  isolation:   ${advice}${e.advice.reasons.length > 0 ? `: ${e.advice.reasons.join('; ')}` : ''}`);
  if (Object.keys(p.analysis.builtins).length > 0) lines.push(`  built-ins:   ${Object.entries(p.analysis.builtins).map(([m, members]) => (members.length ? `${m} (${members.join(', ')})` : m)).join('; ')}`);
  if (p.analysis.envNames.length > 0) lines.push(`  env:         ${p.analysis.envNames.join(', ')}`);
  if (p.analysis.globals.length > 0) lines.push(`  globals:     ${p.analysis.globals.join(', ')}`);
  lines.push('', '  capability      status       evidence');
  if (e.capabilities.length === 0) lines.push('  (none detected)');
  for (const c of e.capabilities) {
    const status = s[STATUS_COLOR[c.status]](c.status.padEnd(12));
    lines.push(`  ${c.capability.padEnd(15)} ${status} ${c.count} place${c.count === 1 ? '' : 's'}`);
    for (const ev of c.evidence) lines.push(`      ${s.dim(`${ev.file}:${ev.line}`)}  ${ev.detail}`);
    if (c.count > c.evidence.length) lines.push(`      ${s.dim(`… ${c.count - c.evidence.length} more`)}`);
  }
  const reach = p.analysis.reach;
  lines.push('', `  reach:       ${reach.reachedFiles} file${reach.reachedFiles === 1 ? '' : 's'} from ${reach.entries.length} entr${reach.entries.length === 1 ? 'y' : 'ies'}${reach.bin.length > 0 ? ` and ${reach.bin.length} bin${reach.bin.length === 1 ? '' : 's'}` : ''}`);
  if (reach.importedDeeply.length > 0) lines.push(`  also counted: what other packages deep-import (${reach.importedDeeply.join(', ')})`);
  if (reach.everyFile !== undefined) lines.push(`  every file counts: ${reach.everyFile}`);
  else if (reach.unreachedCount > 0) {
    lines.push(`  not counted: ${reach.unreachedCount} file${reach.unreachedCount === 1 ? '' : 's'} no entry point loads (tests, tools, unused builds):`);
    for (const file of reach.unreached) lines.push(`      ${s.dim(file)}`);
    if (reach.unreachedCount > reach.unreached.length) lines.push(`      ${s.dim(`… ${reach.unreachedCount - reach.unreached.length} more`)}`);
  }
  if (p.cli.length > 0) {
    lines.push('', '  command-line tools (bin), not run by the app:');
    for (const c of p.cli) {
      lines.push(`  ${c.capability.padEnd(15)} ${c.count} place${c.count === 1 ? '' : 's'}`);
      for (const ev of c.evidence.slice(0, 3)) lines.push(`      ${s.dim(`${ev.file}:${ev.line}`)}  ${ev.detail}`);
    }
  }
  if (e.findings.length > 0) {
    lines.push('', '  findings:');
    for (const f of e.findings) lines.push(`    ${f.severity} ${f.ruleId}: ${f.message}`);
  }
  return `${lines.join('\n')}\n`;
}
