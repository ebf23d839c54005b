import { loadPolicy } from '@isolate-deps/policy';
import { describe, expect, test } from 'vitest';
import { audit, starterPolicy } from '@isolate-deps/analyzer';
import { APP, npmTree, pnpmTree, writePolicy, type TreeSpec } from './fixture-tree.ts';

/** Audits a fresh tree against a policy and lists the findings as "rule package capability". */
async function findings(spec: TreeSpec, policy: unknown, layout = npmTree): Promise<string[]> {
  const root = layout(spec);
  const report = await audit({ root, policy: loadPolicy(writePolicy(root, policy)), cacheFile: false });
  return report.findings.map((f) => [f.ruleId, f.package, f.capability].filter(Boolean).join(' '));
}

const TRIPWIRE_REVIEWED = { packages: { tripwire: { reviewed: ['fs.read'] } } };

describe('policy-version-mismatch', () => {
  test('fires for an installed version outside the key range', async () => {
    expect(await findings({ ...APP, root: ['debug@4.3.4'] }, { packages: { 'ms@^2.1.3': { isolate: true } } })).toContain('policy-version-mismatch ms@2.1.2');
  });
  test('does not fire when the range contains the version', async () => {
    const list = await findings({ root: ['ms@2.1.3'] }, { packages: { 'ms@^2.1.3': { isolate: true } } });
    expect(list.filter((f) => f.startsWith('policy-version-mismatch'))).toEqual([]);
  });
});

describe('will-be-denied and over-privileged (isolated packages)', () => {
  test('an isolated package using ungranted capabilities will be denied', async () => {
    const list = await findings({ root: ['dotenv@16.4.5'] }, { packages: { dotenv: { isolate: true } } });
    expect(list).toEqual(expect.arrayContaining(['will-be-denied dotenv@16.4.5 fs.read', 'will-be-denied dotenv@16.4.5 env']));
  });
  test('the capabilities of an isolated package include its bundled dependencies', async () => {
    const list = await findings({ ...APP, root: ['debug@4.3.4'] }, { packages: { debug: { isolate: true } } });
    expect(list).toContain('will-be-denied debug@4.3.4 env');
  });
  test('granted capabilities are not reported; a grant never used is over-privileged', async () => {
    const list = await findings({ root: ['tripwire@1.0.0'] }, { packages: { tripwire: { isolate: true, allow: { fs: { read: ['./**'] }, net: ['api.example.com:443'] } } } });
    expect(list).toEqual(['over-privileged tripwire@1.0.0 net']);
  });
  test('env names outside the granted patterns are denied by name', async () => {
    const list = await findings({ root: ['tripwire@1.0.1'] }, { packages: { tripwire: { isolate: true, allow: { fs: { read: ['./**'] }, net: ['collector.invalid'], env: ['NODE_ENV'] } } } });
    expect(list).toEqual(['will-be-denied tripwire@1.0.1 env', 'over-privileged tripwire@1.0.1 env']);
  });
  test('a package that can never run in a component (child_process) is denied whatever the grant', async () => {
    expect(await findings({ root: ['opener@1.5.2'] }, { packages: { opener: { isolate: true } } })).toContain('will-be-denied opener@1.5.2 child_process');
  });
});

describe('unreviewed-capability', () => {
  test('fires for every risky capability of a package the policy does not mention', async () => {
    const list = await findings({ root: ['opener@1.5.2', 'get-port@5.1.1', 'ms@2.1.3'] }, { packages: {} });
    expect(list).toEqual(['unreviewed-capability get-port@5.1.1 net', 'unreviewed-capability opener@1.5.2 child_process']);
  });
  test('does not fire once reviewed, or for packages with only non-risky capabilities', async () => {
    const list = await findings({ root: ['opener@1.5.2', 'ms@2.1.3', 'tripwire@1.0.0'] }, { packages: { opener: { reviewed: ['child_process'] } } });
    expect(list).toEqual([]);
  });
});

describe('capability-drift (the supply-chain tripwire)', () => {
  test('a patch release that adds a network call and an env read fails the gate', async () => {
    for (const layout of [npmTree, pnpmTree]) {
      expect(await findings({ root: ['tripwire@1.0.0'] }, TRIPWIRE_REVIEWED, layout)).toEqual([]);
      expect(await findings({ root: ['tripwire@1.0.1'] }, TRIPWIRE_REVIEWED, layout)).toEqual(['capability-drift tripwire@1.0.1 env', 'capability-drift tripwire@1.0.1 net']);
    }
  });
  test('the drift finding points at the new code (the call; loading https alone is not a use)', async () => {
    const root = npmTree({ root: ['tripwire@1.0.1'] });
    const report = await audit({ root, policy: loadPolicy(writePolicy(root, TRIPWIRE_REVIEWED)), cacheFile: false });
    expect(report.findings.find((f) => f.capability === 'net')?.evidence.map((e) => `${e.file}:${e.line} ${e.detail}`)).toEqual([
      'node_modules/tripwire/index.js:7 https.request',
    ]);
  });
});

describe('install-script', () => {
  test('fires for each lifecycle script not allowed, the implicit node-gyp build included', async () => {
    const spec = { root: ['native-thing@1.0.0'] };
    const reviewed = ['native', 'child_process'];
    expect(await findings(spec, { packages: { 'native-thing': { reviewed } } })).toEqual(['install-script native-thing@1.0.0 install-script', 'install-script native-thing@1.0.0 install-script']);
    expect(await findings(spec, { packages: { 'native-thing': { reviewed, allowScripts: ['postinstall'] } } })).toEqual(['install-script native-thing@1.0.0 install-script']);
    expect(await findings(spec, { packages: { 'native-thing': { reviewed, allowScripts: true } } })).toEqual([]);
  });
});

describe('stale-policy-entry', () => {
  test('fires for a policy entry naming a package that is not installed, and not otherwise', async () => {
    expect(await findings({ root: ['ms@2.1.3'] }, { packages: { 'left-pad': { isolate: true }, ms: { isolate: true } } })).toEqual(['stale-policy-entry left-pad']);
  });
  test('points at the line of the entry in the policy file', async () => {
    const root = npmTree({ root: ['ms@2.1.3'] });
    const report = await audit({ root, policy: loadPolicy(writePolicy(root, { packages: { ms: {}, 'left-pad': {} } })), cacheFile: false });
    expect(report.findings[0]?.location).toEqual({ file: 'isolate-deps.policy.json', line: 4 });
  });
});

describe('a starter policy', () => {
  test('records what the tree does today and isolates what is worth it, so the audit of that tree has no errors', async () => {
    const root = pnpmTree(APP);
    const report = await audit({ root, cacheFile: false });
    expect(report.findings.length).toBeGreaterThan(0);
    const starter = starterPolicy(report);
    expect(starter.json.packages.tripwire).toEqual({ reviewed: ['fs.read'] });
    // get-port (net) and mkdirp (fs.write) lose the most by isolation; opener (child_process) cannot run isolated.
    expect(starter.suggestIsolation.map((s) => s.name).sort()).toEqual(['get-port', 'mkdirp']);
    expect(starter.cannotIsolate.map((s) => s.name)).toContain('opener');
    const again = await audit({ root, policy: loadPolicy(writePolicy(root, starter.json)), cacheFile: false });
    // What is left are the grants the isolated packages still need (isolate-deps suggest finds them from a run).
    expect(again.findings.map((f) => `${f.ruleId} ${f.package}`).sort()).toEqual(['will-be-denied get-port@5.1.1', 'will-be-denied mkdirp@1.0.4', 'will-be-denied mkdirp@1.0.4', 'will-be-denied mkdirp@1.0.4']);
  });
});
