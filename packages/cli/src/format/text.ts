import type { AuditReport, Finding } from '@isolate-deps/analyzer';
import { styles } from '../terminal.ts';

const EVIDENCE_SHOWN = 3;

/** A readable report: findings grouped by package, evidence as file:line, then a summary. */
export function formatText(report: AuditReport, color: boolean): string {
  const s = styles(color);
  const severity = { error: s.red('error  '), warning: s.yellow('warning'), info: s.cyan('info   ') };
  const lines: string[] = [];
  for (const warning of report.warnings) lines.push(`${s.yellow('warning')} ${warning.file}: ${warning.message}`);
  if (report.warnings.length > 0) lines.push('');
  const groups = new Map<string, Finding[]>();
  for (const finding of report.findings) groups.set(finding.package, [...(groups.get(finding.package) ?? []), finding]);
  const packages = new Map(report.packages.map((p) => [p.id, p]));
  const ruleWidth = Math.max(0, ...report.findings.map((f) => f.ruleId.length));
  for (const [id, findings] of groups) {
    const pkg = packages.get(id);
    const status = pkg ? (pkg.isolated ? 'isolated' : pkg.policyKey ? `policy "${pkg.policyKey}"` : 'not in policy') : 'policy entry';
    lines.push(`${s.bold(id)}  ${s.dim(`${pkg?.dir ?? ''}  ${status}`.trim())}`);
    for (const finding of findings) {
      lines.push(`  ${severity[finding.severity]}  ${finding.ruleId.padEnd(ruleWidth)}  ${finding.message}`);
      const evidence = finding.evidence.length > 0 ? finding.evidence : [{ ...finding.location, detail: '' }];
      for (const e of evidence.slice(0, EVIDENCE_SHOWN)) lines.push(`  ${' '.repeat(9 + ruleWidth)}  ${s.dim(`${e.file}:${e.line}`)}${e.detail ? `  ${e.detail}` : ''}`);
      if (evidence.length > EVIDENCE_SHOWN) lines.push(`  ${' '.repeat(9 + ruleWidth)}  ${s.dim(`… ${evidence.length - EVIDENCE_SHOWN} more (isolate-deps explain ${id.replace(/@[^@]*$/, '')})`)}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(report, color));
  return `${lines.join('\n')}\n`;
}

/**
 * "312 packages audited (1,204 files, 87 parsed, 0 cached): 2 errors, 1 warning, 0 info"; with an entry,
 * "433 packages reached from index.js, 297 installed not reached; audited against ...".
 */
export function summaryLine(report: AuditReport, color = false): string {
  const s = styles(color);
  const count = (severity: string) => report.findings.filter((f) => f.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');
  const { stats } = report;
  const verdict = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${count('info')} info`;
  const policy = report.policyFile ? `policy ${report.policyFile}` : 'no policy';
  if (report.entry) {
    const from = report.entry.files.join(', ');
    const widened = report.entry.computedLoads.length > 0 ? `; ${report.entry.computedLoads.length} computed require/import widened it to every dependency of their package and of the project` : '';
    return `${stats.packages} packages reached from ${from}, ${stats.outOfScope} installed not reached${widened}; audited against ${policy} (${stats.filesScanned} files, ${stats.filesParsed} parsed, ${stats.cacheHits} from cache, ${stats.durationMs} ms): ${colourVerdict(s, errors, warnings, verdict)}`;
  }
  const scope = report.scope === 'installed' ? '' : `${report.scope === 'production' ? 'production dependencies' : 'production and dev dependencies'}${stats.outOfScope > 0 ? `, ${stats.outOfScope} other installed packages left out` : ''}; `;
  return `${stats.packages} packages audited against ${policy} (${scope}${stats.filesScanned} files, ${stats.filesParsed} parsed, ${stats.cacheHits} from cache, ${stats.durationMs} ms): ${colourVerdict(s, errors, warnings, verdict)}`;
}

function colourVerdict(s: ReturnType<typeof styles>, errors: number, warnings: number, verdict: string): string {
  return errors > 0 ? s.red(verdict) : warnings > 0 ? s.yellow(verdict) : s.green(verdict);
}
