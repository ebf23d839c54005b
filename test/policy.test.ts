import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackagePolicy, loadPolicy, parsePolicy, PolicyError } from '@isolate-deps/policy';

const FILE = '/project/isolate-deps.policy.json';

function errorOf(json: unknown): PolicyError {
  try {
    parsePolicy(typeof json === 'string' ? json : JSON.stringify(json), FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('expected a PolicyError');
}

describe('policy validation', () => {
  it('accepts the documented example and fills in defaults', () => {
    const policy = parsePolicy(
      JSON.stringify({
        packages: {
          yaml: { isolate: true },
          'some-pkg@^2.1.0': {
            isolate: true,
            allow: { fs: { read: ['./config/**'], write: ['./out/**'] }, env: ['NODE_ENV', 'MYAPP_*'], net: ['api.example.com:443'], clock: true, random: true, console: true },
            limits: { memoryMb: 64, timeoutMs: 2000 },
            instance: 'shared',
          },
        },
      }),
      FILE,
    );
    const yaml = policy.packages[0]!;
    expect(yaml.allow).toEqual({ fs: { read: [], write: [] }, env: [], net: [], clock: true, random: true, console: true });
    expect(yaml.instance).toBe('shared');
    expect(yaml.thread).toBe('caller');
    expect(yaml.onViolation).toBe('throw');
    const some = policy.packages[1]!;
    expect(some.name).toBe('some-pkg');
    expect(some.range).toBe('^2.1.0');
    expect(some.allow.fs.write).toEqual(['./out/**']);
    expect(some.limits).toEqual({ memoryMb: 64, timeoutMs: 2000 });
  });

  it('rejects an unknown key with its JSON path and the known keys', () => {
    const error = errorOf({ packages: { yaml: { isolate: true, alow: {} } } });
    expect(error.jsonPath).toBe('$.packages.yaml.alow');
    expect(error.message).toContain(FILE);
    expect(error.message).toContain('unknown key "alow"');
    expect(error.message).toContain('"allow"');
  });

  it('rejects an unknown capability inside allow', () => {
    const error = errorOf({ packages: { yaml: { isolate: true, allow: { shell: true } } } });
    expect(error.jsonPath).toBe('$.packages.yaml.allow.shell');
  });

  it('rejects a wrong type, saying what was expected and what was found', () => {
    const error = errorOf({ packages: { yaml: { isolate: true, allow: { env: 'HOME' } } } });
    expect(error.jsonPath).toBe('$.packages.yaml.allow.env');
    expect(error.expected).toBe('array');
    expect(error.got).toBe('string "HOME"');
  });

  it('rejects a bad semver range in a key', () => {
    const error = errorOf({ packages: { 'yaml@>>2': { isolate: true } } });
    expect(error.jsonPath).toBe('$.packages["yaml@>>2"]');
    expect(error.message).toContain('not a valid semver range');
  });

  it('rejects an invalid package name', () => {
    expect(errorOf({ packages: { 'Not A Name': { isolate: true } } }).message).toContain('not a valid npm package name');
  });

  it('rejects a bad enum value', () => {
    const error = errorOf({ packages: { yaml: { isolate: true, instance: 'forever' } } });
    expect(error.jsonPath).toBe('$.packages.yaml.instance');
    expect(error.expected).toContain('"per-call"');
  });

  it('rejects limits that are not positive integers', () => {
    expect(errorOf({ packages: { yaml: { limits: { memoryMb: 0 } } } }).jsonPath).toBe('$.packages.yaml.limits.memoryMb');
    expect(errorOf({ packages: { yaml: { limits: { timeoutMs: 1.5 } } } }).jsonPath).toBe('$.packages.yaml.limits.timeoutMs');
  });

  it('rejects "thread": "worker" without a time limit, and accepts it with one', () => {
    const error = errorOf({ packages: { yaml: { isolate: true, thread: 'worker' } } });
    expect(error.jsonPath).toBe('$.packages["yaml"].thread');
    expect(error.expected).toContain('limits.timeoutMs');
    expect(parsePolicy(JSON.stringify({ packages: { yaml: { thread: 'worker', limits: { timeoutMs: 100 } } } }), FILE).packages[0]!.thread).toBe('worker');
    expect(errorOf({ packages: { yaml: { thread: 'elsewhere' } } }).jsonPath).toBe('$.packages.yaml.thread');
  });

  it('rejects a missing "packages" and a non-object file', () => {
    expect(errorOf({}).jsonPath).toBe('$.packages');
    expect(errorOf([]).expected).toBe('object');
  });

  it('rejects invalid JSON with the parser message', () => {
    const error = errorOf('{ "packages": ');
    expect(error.jsonPath).toBe('$');
    expect(error.expected).toBe('valid JSON');
  });

  it('points invalid JSON at its line:column, with a code frame', () => {
    const error = errorOf('{\n  "packages": {\n    "yaml": { "isolate": true, }\n  }\n}\n');
    expect(error.location).toEqual({ line: 3, column: 31, lineText: '    "yaml": { "isolate": true, }' });
    expect(error.message).toBe(`${FILE}:3:32: $: expected valid JSON, got invalid JSON (property name expected)`);
    expect(error.codeFrame).toBe('3 |     "yaml": { "isolate": true, }\n                                   ^');
  });

  it('points a schema error at the offending key or value, by line:column', () => {
    const text = '{\n  "packages": {\n    "yaml": {\n      "isolate": "yes"\n    }\n  }\n}\n';
    const error = errorOf(text);
    expect(error.jsonPath).toBe('$.packages.yaml.isolate');
    expect(error.location).toMatchObject({ line: 4, column: 6 });
    expect(error.message).toBe(`${FILE}:4:7: $.packages.yaml.isolate: expected boolean, got string "yes"`);
    // A check after the schema (here: the semver range in a key) is located the same way.
    expect(errorOf('{\n  "packages": {\n    "yaml@>>2": { "isolate": true }\n  }\n}').location).toMatchObject({ line: 3, column: 4 });
  });

  it('suggests the known key for a misspelled one: "pacakges" → did you mean "packages"?', () => {
    const top = errorOf('{ "pacakges": {} }');
    expect(top.jsonPath).toBe('$.pacakges');
    expect(top.hint).toBe('did you mean "packages"?');
    expect(top.location).toMatchObject({ line: 1, column: 2 });
    expect(errorOf({ packages: { yaml: { isolate: true, alow: {} } } }).hint).toBe('did you mean "allow"?');
    expect(errorOf({ packages: { yaml: { allow: { envv: [] } } } }).hint).toBe('did you mean "env"?');
    // Nothing close: no guess.
    expect(errorOf({ packages: { yaml: { allow: { shell: true } } } }).hint).toBeUndefined();
  });

  it('names the file when it does not exist', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policy-'));
    expect(() => loadPolicy(path.join(dir, 'missing.json'))).toThrow(/missing\.json: \$: expected a readable policy file, got no such file/);
  });

  it('resolves relative paths against the policy file folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policy-'));
    writeFileSync(path.join(dir, 'isolate-deps.policy.json'), '{"packages":{}}');
    expect(loadPolicy(path.join(dir, 'isolate-deps.policy.json')).root).toBe(dir);
  });
});

describe('matching installed versions', () => {
  const policy = parsePolicy(JSON.stringify({ packages: { 'yaml@^2': { isolate: true }, 'yaml@^1': { isolate: false }, marked: { isolate: true } } }), FILE);

  it('picks the entry whose range contains the version', () => {
    expect(findPackagePolicy(policy, 'yaml', '2.9.1')?.key).toBe('yaml@^2');
    expect(findPackagePolicy(policy, 'yaml', '1.10.0')?.key).toBe('yaml@^1');
  });

  it('finds nothing for a version outside every range', () => {
    expect(findPackagePolicy(policy, 'yaml', '3.0.0')).toBeUndefined();
  });

  it('matches an entry without a range for every version', () => {
    expect(findPackagePolicy(policy, 'marked', '15.0.12')?.key).toBe('marked');
  });
});
