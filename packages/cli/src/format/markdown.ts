import type { AuditReport } from '@isolate-deps/analyzer';
import { summaryLine } from './text.ts';

const ICON = { error: '🔴 error', warning: '🟡 warning', info: '🔵 info' };

/** A report for `$GITHUB_STEP_SUMMARY`: a summary, a findings table, and capabilities per package in a fold. */
export function formatMarkdown(report: AuditReport): string {
  const lines = ['## isolate-deps audit', '', summaryLine(report), ''];
  for (const warning of report.warnings) lines.push(`> ⚠️ \`${warning.file}\`: ${cell(warning.message)}`, '');
  if (report.findings.length === 0) lines.push('No findings.', '');
  else {
    lines.push('| Severity | Rule | Package | Finding | Evidence |', '| --- | --- | --- | --- | --- |');
    for (const f of report.findings) {
      const evidence = (f.evidence.length > 0 ? f.evidence : [f.location]).slice(0, 2).map((e) => `\`${e.file}:${e.line}\``).join('<br>');
      lines.push(`| ${ICON[f.severity]} | \`${f.ruleId}\` | \`${f.package}\` | ${cell(f.message)} | ${evidence} |`);
    }
    lines.push('');
  }
  const withCapabilities = report.packages.filter((p) => p.capabilities.length > 0);
  lines.push(`<details><summary>Capabilities of ${withCapabilities.length} of ${report.packages.length} packages</summary>`, '');
  lines.push('| Package | Policy | Capabilities |', '| --- | --- | --- |');
  for (const p of withCapabilities) {
    lines.push(`| \`${p.id}\` | ${p.isolated ? 'isolated' : p.policyKey ? 'reviewed' : '—'} | ${p.capabilities.map((c) => `\`${c.capability}\``).join(' ')} |`);
  }
  lines.push('', '</details>', '');
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
