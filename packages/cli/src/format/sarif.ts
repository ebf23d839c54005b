import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { RULE_IDS, RULES, type AuditReport, type Evidence } from '@isolate-deps/analyzer';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0 for GitHub code scanning: one result per finding, paths relative to the audit root. */
export function formatSarif(report: AuditReport, version: string): string {
  const rules = RULE_IDS.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: RULES[id].description },
    fullDescription: { text: RULES[id].description },
    defaultConfiguration: { level: LEVEL[RULES[id].severity] },
    properties: { tags: ['security', 'supply-chain'] },
  }));
  const location = (e: { file: string; line: number; column?: number }, message?: string) => ({
    physicalLocation: {
      artifactLocation: { uri: encodeURI(e.file), uriBaseId: '%SRCROOT%' },
      region: { startLine: Math.max(1, e.line), ...(e.column ? { startColumn: Math.max(1, e.column) } : {}) },
    },
    ...(message ? { message: { text: message } } : {}),
  });
  const results = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: RULE_IDS.indexOf(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f.location)],
    ...(f.evidence.length > 1 ? { relatedLocations: f.evidence.slice(1).map((e: Evidence, i: number) => ({ id: i + 1, ...location(e, e.detail) })) } : {}),
    // Stable across runs so code scanning tracks one alert per package, rule and capability.
    partialFingerprints: { isolateDepsFinding: createHash('sha256').update(`${f.ruleId}|${f.package.replace(/@[^@]*$/, '')}|${f.capability ?? ''}`).digest('hex') },
    properties: { package: f.package, ...(f.capability ? { capability: f.capability } : {}) },
  }));
  return sarifLog(version, report.root, rules, results);
}

/** The SARIF 2.1.0 envelope around one run of isolate-deps (the audit's, or the install scripts'). */
export function sarifLog(version: string, root: string, rules: unknown[], results: unknown[]): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'isolate-deps', semanticVersion: version, informationUri: 'https://www.npmjs.com/package/isolate-deps', rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${root}/`).href } },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
