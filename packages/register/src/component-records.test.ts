import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Policy } from '@isolate-deps/policy';
import { readPolicySnapshot, writePolicySnapshot } from './component-records.ts';
import { toolVersion } from './tool-version.ts';

describe('policy snapshot', () => {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'policy-snapshot-'));
  const policyFile = path.join(cacheDir, 'isolate-deps.policy.json');
  const text = '{"packages":{"yaml":{"isolate":true}}}';
  const policy = { file: policyFile, root: cacheDir, packages: [] } as unknown as Policy;
  writePolicySnapshot(cacheDir, policy, text);
  const [file] = readdirSync(path.join(cacheDir, 'register'));
  const stored = path.join(cacheDir, 'register', file!);

  it('is used for the same text, by the same isolate-deps version', () => {
    expect(readPolicySnapshot(cacheDir, policyFile, text)).toEqual(policy);
    expect(readPolicySnapshot(cacheDir, policyFile, `${text} `)).toBeUndefined();
  });

  it('is not used when another isolate-deps version wrote it (it may have parsed the text otherwise)', () => {
    const snapshot = JSON.parse(readFileSync(stored, 'utf8'));
    expect(snapshot.tool).toBe(toolVersion());
    writeFileSync(stored, JSON.stringify({ ...snapshot, tool: '0.0.0-older' }));
    expect(readPolicySnapshot(cacheDir, policyFile, text)).toBeUndefined();
    const { tool: _tool, ...withoutTool } = snapshot; // as versions before this field wrote it
    writeFileSync(stored, JSON.stringify(withoutTool));
    expect(readPolicySnapshot(cacheDir, policyFile, text)).toBeUndefined();
  });
});
