import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompiledPackage } from '@isolate-deps/compiler';
import { createIsolation } from './isolation.ts';

function isolationWith(packages: Record<string, unknown>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'isolate-deps-core-'));
  writeFileSync(path.join(dir, 'isolate-deps.policy.json'), JSON.stringify({ packages }));
  return createIsolation({}, dir);
}

const yaml = { name: 'yaml', version: '2.9.1' } as CompiledPackage;

describe('the shared plugin core', () => {
  it('warns when a package built for the browser is granted fs, and not when it is built for Node', () => {
    const isolation = isolationWith({ yaml: { isolate: true, allow: { fs: { read: ['./config/**'] } } } })!;
    const [warning, ...more] = isolation.warningsFor(yaml, 'browser');
    expect(more).toEqual([]);
    expect(warning).toContain('grants fs to "yaml"');
    expect(warning).toContain('targets the browser');
    expect(isolation.warningsFor(yaml, 'node')).toEqual([]);
  });

  it('has nothing to warn about for a browser package without fs', () => {
    const isolation = isolationWith({ yaml: { isolate: true, allow: { net: ['api.example.com'] } } })!;
    expect(isolation.warningsFor(yaml, 'browser')).toEqual([]);
  });

  it('matches every specifier of an isolated package and nothing else', () => {
    const isolation = isolationWith({ yaml: { isolate: true }, '@scope/pkg': { isolate: true } })!;
    expect(['yaml', 'yaml/util', '@scope/pkg', '@scope/pkg/sub'].every((s) => isolation.filter.test(s))).toBe(true);
    expect(['yamlish', 'js-yaml', '@scope/pkg2', './yaml'].some((s) => isolation.filter.test(s))).toBe(false);
  });

  it('isolates nothing when the policy isolates nothing', () => {
    expect(isolationWith({ yaml: { isolate: false } })).toBeUndefined();
  });
});
