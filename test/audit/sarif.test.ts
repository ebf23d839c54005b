import { readFileSync } from 'node:fs';
import path from 'node:path';
import AjvModule from 'ajv-draft-04';
import { loadPolicy } from '@isolate-deps/policy';
import { describe, expect, test } from 'vitest';
import { audit } from '@isolate-deps/analyzer';
import { formatSarif } from '@isolate-deps/cli';
import { APP, pnpmTree, writePolicy } from './fixture-tree.ts';

// The official SARIF 2.1.0 schema (2.1.0-rtm.5), as shipped in the npm package @microsoft/jest-sarif.
const schema = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/audit/sarif-schema-2.1.0.json'), 'utf8'));
// CJS default export: Node's ESM interop and TypeScript's NodeNext view differ on where the class sits.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as typeof AjvModule.default;
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

describe('SARIF output', () => {
  test('is valid against the SARIF 2.1.0 schema, with every rule firing', async () => {
    const root = pnpmTree({ ...APP, root: [...APP.root, 'tripwire@1.0.1'].filter((id) => id !== 'tripwire@1.0.0') });
    const policy = {
      packages: {
        'ms@^2.1.3': {},
        tripwire: { reviewed: ['fs.read'] },
        dotenv: { isolate: true, allow: { net: ['example.com'] } },
        'left-pad': {},
      },
    };
    const report = await audit({ root, policy: loadPolicy(writePolicy(root, policy)), cacheFile: false });
    expect(new Set(report.findings.map((f) => f.ruleId))).toEqual(
      new Set(['policy-version-mismatch', 'will-be-denied', 'over-privileged', 'unreviewed-capability', 'capability-drift', 'install-script', 'stale-policy-entry']),
    );
    const sarif = JSON.parse(formatSarif(report, '0.1.0'));
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(report.findings.length);
    const drift = results.find((r: { ruleId: string }) => r.ruleId === 'capability-drift');
    expect(drift.level).toBe('error');
    expect(drift.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uriBaseId: '%SRCROOT%' }, region: { startLine: expect.any(Number) } });
    expect(results.find((r: { ruleId: string }) => r.ruleId === 'over-privileged').level).toBe('note');
  });

  test('the schema check rejects a broken log (the validator is live)', () => {
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
  });
});
