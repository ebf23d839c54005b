import type { AuditReport } from '@isolate-deps/analyzer';

/** The report as data, for scripts; its shape is the AuditReport type. */
export function formatJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
