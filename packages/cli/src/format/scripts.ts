import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ScriptRun, ScriptsReport, Violation } from '@isolate-deps/sandbox';
import { styles } from '../terminal.ts';
import { sarifLog } from './sarif.ts';

/** One line per violation, as the text and SARIF reports say it. */
export function describeViolation(v: Violation): string {
  switch (v.kind) {
    case 'net':
      return `network ${v.target}: ${v.detail}`;
    case 'write':
      return `write outside the package folder: ${v.path} (${v.type}${v.bytes === undefined ? '' : `, ${v.bytes} bytes`}), kept out of the real file system`;
    case 'limit':
      return `limit: ${v.detail}`;
    case 'exit':
      return v.signal ? `ended by ${v.signal}` : `exited with code ${v.exitCode}`;
  }
}

/** The install scripts' report for people: each script with its outcome and violations, then the skipped ones. */
export function formatScriptsText(report: ScriptsReport, color: boolean): string {
  const s = styles(color);
  const lines: string[] = [];
  const how = report.sandbox === 'none' ? s.red('UNSANDBOXED') : `sandboxed with bubblewrap, limits via ${report.limitsVia ?? 'none (no script ran)'}`;
  lines.push(s.bold(`Install scripts of ${report.root} (${report.policyFile ? `policy ${report.policyFile}` : 'no policy'}), ${how}`));
  if (report.limitsNote) lines.push(`${s.yellow('warning')} ${report.limitsNote}`);
  for (const run of report.scripts) {
    const mark = run.violations.length === 0 ? s.green('ok  ') : s.red('FAIL');
    lines.push(`  ${mark} ${s.bold(run.package)} ${run.event}  ${s.dim(run.command)}  ${s.dim(`${run.durationMs} ms${run.net.length ? `, net: ${run.net.join(' ')}` : ''}`)}`);
    for (const v of run.violations) lines.push(`       ${v.kind === 'exit' ? s.red(v.kind.padEnd(5)) : s.yellow(v.kind.padEnd(5))} ${describeViolation(v)}`);
    if (run.violations.some((v) => v.kind === 'exit') && run.output.trim()) {
      for (const line of run.output.trimEnd().split('\n').slice(-10)) lines.push(`       ${s.dim(`| ${line}`)}`);
    }
  }
  if (report.skipped.length > 0) {
    lines.push('', `Skipped (add the package's scripts to "allowScripts" in the policy to run them):`);
    for (const k of report.skipped) lines.push(`  ${s.dim('skip')} ${k.package} ${k.event}  ${s.dim(k.command)}  ${s.dim(`(${k.reason})`)}`);
  }
  lines.push('', scriptsSummary(report, color));
  return `${lines.join('\n')}\n`;
}

/** "3 scripts ran (2 clean, 1 failed or violated), 4 skipped, in 812 ms". */
export function scriptsSummary(report: ScriptsReport, color = false): string {
  const s = styles(color);
  const bad = report.scripts.filter((r) => r.violations.length > 0).length;
  const verdict = `${report.scripts.length} script${report.scripts.length === 1 ? '' : 's'} ran (${report.scripts.length - bad} clean, ${bad} failed or violated)`;
  return `${bad > 0 ? s.red(verdict) : s.green(verdict)}, ${report.skipped.length} skipped, in ${report.durationMs} ms`;
}

/** The report as data; its shape is the ScriptsReport type. */
export function formatScriptsJson(report: ScriptsReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const RULES = {
  'install-script-failed': { level: 'error', text: 'An allowed install script exited with a non-zero code or was killed.' },
  'install-script-network': { level: 'error', text: 'An install script tried to reach a host that its grant does not name; the sandbox refused it.' },
  'install-script-write-outside': { level: 'error', text: 'An install script wrote outside its package folder; the sandbox kept the write out of the real file system.' },
  'install-script-limit': { level: 'error', text: 'An install script hit a resource limit of its sandbox (memory, processes, CPU time or wall clock).' },
  'install-script-skipped': { level: 'note', text: 'An install script that the policy does not allow; it did not run.' },
} as const;
type RuleId = keyof typeof RULES;
const RULE_OF: Record<Violation['kind'], RuleId> = { exit: 'install-script-failed', net: 'install-script-network', write: 'install-script-write-outside', limit: 'install-script-limit' };

/** SARIF 2.1.0 for code scanning: one result per violation and per skipped script, at the script's line of package.json. */
export function formatScriptsSarif(report: ScriptsReport, version: string): string {
  const ids = Object.keys(RULES) as RuleId[];
  const rules = ids.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: RULES[id].text },
    defaultConfiguration: { level: RULES[id].level },
    properties: { tags: ['security', 'supply-chain', 'install-script'] },
  }));
  const result = (ruleId: RuleId, script: Pick<ScriptRun, 'package' | 'dir' | 'event'>, text: string, key: string) => ({
    ruleId,
    ruleIndex: ids.indexOf(ruleId),
    level: RULES[ruleId].level,
    message: { text: `${script.package} ${script.event}: ${text}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(path.posix.join(script.dir, 'package.json')), uriBaseId: '%SRCROOT%' }, region: { startLine: scriptLine(report.root, script) } } }],
    partialFingerprints: { isolateDepsScript: createHash('sha256').update(`${ruleId}|${script.package.replace(/@[^@]*$/, '')}|${script.event}|${key}`).digest('hex') },
    properties: { package: script.package, script: script.event },
  });
  const results = [
    ...report.scripts.flatMap((run) => run.violations.map((v) => result(RULE_OF[v.kind], run, describeViolation(v), v.kind === 'net' ? v.target : v.kind === 'write' ? v.path : v.kind === 'limit' ? v.limit : ''))),
    ...report.skipped.map((k) => result('install-script-skipped', k, `not run: ${k.reason}`, '')),
  ];
  return sarifLog(version, report.root, rules, results);
}

/** The line of the script in the package's package.json (1 when it is implicit, like node-gyp rebuild). */
function scriptLine(root: string, script: Pick<ScriptRun, 'dir' | 'event'>): number {
  try {
    const lines = readFileSync(path.join(root, script.dir, 'package.json'), 'utf8').split('\n');
    const index = lines.findIndex((l) => l.includes(`"${script.event}"`));
    return index === -1 ? 1 : index + 1;
  } catch {
    return 1;
  }
}
