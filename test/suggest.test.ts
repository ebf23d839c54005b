/**
 * `isolate-deps suggest`: denials in, the smallest grants out, applied to the policy without rewriting the
 * rest of its text. The full round (a real app run, its denials, a rebuild with none) is in test/adoption.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { main, type Output } from '@isolate-deps/cli';
import { applyGrants, grantFor, grantsForDenials, loadPolicy, type Denial, type GrantSuggestion, type PackageGrants } from '@isolate-deps/policy';
import { buildApp, CLI, type BuiltApp } from './support/app.ts';
import { setUpOrFail } from './support/setup.ts';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out: Output = { write: (t) => void (stdout += t), error: (t) => void (stderr += t), color: false, progress: false };
  return { code: await main(argv, out), stdout, stderr };
}

// A hand-written layout: entries on one line, keys in the user's order, a custom top-level setting first.
const POLICY = `{
    "onViolation": "throw",
    "packages": {
        "yaml": { "isolate": true },
        "fetcher": {
            "isolate": true,
            "allow": { "env": ["API_*"] }
        },
        "lodash": { "reviewed": ["eval"] }
    }
}
`;

function project(): { dir: string; policy: string; trace: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'suggest-'));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"app"}');
  const policy = path.join(dir, 'isolate-deps.policy.json');
  writeFileSync(policy, POLICY);
  const trace = path.join(dir, 'trace.jsonl');
  const denial = (pkg: string, capability: string, target: string) => JSON.stringify({ type: 'denial', package: pkg, capability, target, time: '2026-01-01T00:00:00.000Z' });
  const lines = [
    ...Array.from({ length: 30 }, () => denial('yaml', 'env', 'LOG_TOKENS')),
    denial('yaml', 'env', 'LOG_STREAM'),
    denial('fetcher', 'env', 'API_KEY'), // granted already by API_*: a denial from an older build
    denial('fetcher', 'fs.read', 'config/app.json'),
    denial('fetcher', 'fs.read', 'config/other.json'),
    denial('fetcher', 'net', 'https://api.example.com/v1/items'),
    denial('fetcher', 'child_process', 'spawn'),
    denial('fetcher', 'fs.read', '../outside.txt'),
  ];
  writeFileSync(trace, `${lines.join('\n')}\n`);
  return { dir, policy, trace };
}

describe('the smallest grant for a denial', () => {
  test('exact env names, fs folders, host:port; never a grant for what a component cannot have', () => {
    expect(grantFor('env', 'LOG_TOKENS')).toEqual({ field: 'env', value: 'LOG_TOKENS' });
    expect(grantFor('env', '*')).toBeUndefined();
    expect(grantFor('fs.read', 'config/app.json')).toEqual({ field: 'fs.read', value: './config/**' });
    expect(grantFor('fs.write', './out/logs/a.log')).toEqual({ field: 'fs.write', value: './out/logs/**' });
    expect(grantFor('fs.read', '.env')).toEqual({ field: 'fs.read', value: './.env' });
    expect(grantFor('fs.read', 'config/../../secret')).toBeUndefined();
    expect(grantFor('fs.read', '/etc/passwd')).toBeUndefined();
    expect(grantFor('net', 'https://api.example.com/v1')).toEqual({ field: 'net', value: 'api.example.com:443' });
    expect(grantFor('net', '127.0.0.1:8080')).toEqual({ field: 'net', value: '127.0.0.1:8080' });
    expect(grantFor('clock', 'Date.now')).toEqual({ field: 'clock', value: true });
    expect(grantFor('child_process', 'spawn')).toBeUndefined();
  });

  test('grants are de-duplicated per package, and what the policy grants already is left out', () => {
    const { policy, trace } = project();
    const denials = readFileSync(trace, 'utf8').trim().split('\n').map((l): Denial => JSON.parse(l));
    const [fetcher, yaml] = grantsForDenials(denials, loadPolicy(policy));
    expect(yaml!.grants.map((g) => [g.grant.value, g.attempts])).toEqual([['LOG_STREAM', 1], ['LOG_TOKENS', 30]]);
    expect(fetcher!.grants.map((g) => `${g.grant.field} ${String(g.grant.value)}`)).toEqual(['fs.read ./config/**', 'net api.example.com:443']);
    expect(fetcher!.ungrantable.map((u) => u.capability).sort()).toEqual(['child_process', 'fs.read']);
  });

  test('applying them keeps the layout and the other entries as written', () => {
    const { policy, trace } = project();
    const loaded = loadPolicy(policy);
    const denials = readFileSync(trace, 'utf8').trim().split('\n').map((l): Denial => JSON.parse(l));
    const updated = applyGrants(POLICY, grantsForDenials(denials, loaded));
    expect(updated.startsWith('{\n    "onViolation": "throw",\n    "packages": {\n        "yaml": {')).toBe(true);
    expect(updated).toContain('\n        "lodash": { "reviewed": ["eval"] }\n');
    writeFileSync(policy, updated);
    const after = loadPolicy(policy);
    expect(after.packages.find((p) => p.name === 'yaml')!.allow.env).toEqual(['LOG_STREAM', 'LOG_TOKENS']);
    const fetcher = after.packages.find((p) => p.name === 'fetcher')!;
    expect(fetcher.allow.env).toEqual(['API_*']);
    expect(fetcher.allow.fs.read).toEqual(['./config/**']);
    expect(fetcher.allow.net).toEqual(['api.example.com:443']);
  });
});

describe('where applyGrants puts a grant', () => {
  const grants = (key: string, ...list: GrantSuggestion[]): PackageGrants => ({ package: key, key, grants: list.map((grant) => ({ grant, attempts: 1, targets: [] })), ungrantable: [] });

  test('CRLF and tabs kept, empty lists and objects filled in their own layout, a false flag set to true', () => {
    const text = '{\r\n\t"packages": {\r\n\t\t"a": {\r\n\t\t\t"isolate": true,\r\n\t\t\t"allow": { "env": [], "clock": false }\r\n\t\t},\r\n\t\t"b": { "isolate": true, "allow": {\r\n\t\t} }\r\n\t}\r\n}\r\n';
    const updated = applyGrants(text, [
      grants('a', { field: 'env', value: 'X' }, { field: 'env', value: 'Y' }, { field: 'clock', value: true }, { field: 'fs.write', value: './out/**' }),
      grants('b', { field: 'net', value: 'api.example.com:443' }),
    ]);
    expect(updated).toBe(
      '{\r\n\t"packages": {\r\n\t\t"a": {\r\n\t\t\t"isolate": true,\r\n\t\t\t"allow": { "env": ["X", "Y"], "clock": true, "fs": { "write": ["./out/**"] } }\r\n\t\t},\r\n' +
        '\t\t"b": { "isolate": true, "allow": {\r\n\t\t\t"net": ["api.example.com:443"]\r\n\t\t} }\r\n\t}\r\n}\r\n',
    );
  });
});

describe('isolate-deps suggest', () => {
  test('shows the grants as a diff and changes nothing without --write', async () => {
    const { dir, policy, trace } = project();
    const result = await run('suggest', '--policy', policy, '--trace', trace);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('yaml ("yaml")\n  + "env": ["LOG_STREAM", "LOG_TOKENS"]  (31 denied attempts)');
    expect(result.stdout).toContain('+ "fs": { "read": ["./config/**"] }  (2 denied attempts for "config/app.json", "config/other.json")');
    expect(result.stdout).toMatch(/! child_process "spawn" {2}\(1×\) no grant suggested: a component can never have it/);
    // yaml's entry was written on one line: it stays on one line.
    expect(result.stdout).toContain('\n-        "yaml": { "isolate": true },\n+        "yaml": { "isolate": true, "allow": { "env": ["LOG_STREAM", "LOG_TOKENS"] } },\n');
    expect(result.stdout).toContain('apply it with `npx isolate-deps suggest --write');
    expect(readFileSync(policy, 'utf8')).toBe(POLICY);
    expect(dir).toBeTruthy();
  });

  test('--write applies them; a second run has nothing left to add', async () => {
    const { policy, trace } = project();
    expect((await run('suggest', '--policy', policy, '--trace', trace, '--write')).stdout).toContain('updated ');
    expect(loadPolicy(policy).packages.find((p) => p.name === 'yaml')!.allow.env).toEqual(['LOG_STREAM', 'LOG_TOKENS']);
    const again = await run('suggest', '--policy', policy, '--trace', trace);
    expect(again.stdout).not.toContain('+ "env"');
    expect(again.stdout).not.toContain('Index:');
  });

  test('--write replaces the file in one rename: a symlinked policy stays a link, its mode is kept, no temporary file is left', async () => {
    const { dir, policy, trace } = project();
    const real = path.join(dir, 'policies-real.json');
    renameSync(policy, real);
    symlinkSync(real, policy);
    chmodSync(real, 0o640);
    expect((await run('suggest', '--policy', policy, '--trace', trace, '--write')).code).toBe(0);
    expect(lstatSync(policy).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('"LOG_TOKENS"');
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['isolate-deps.policy.json', 'package.json', 'policies-real.json', 'trace.jsonl']);
  });

  test('a command or a trace, not both and not neither; a malformed trace names its line', async () => {
    const { policy, trace } = project();
    expect((await run('suggest', '--policy', policy)).code).toBe(2);
    expect((await run('suggest', '--policy', policy, '--trace', trace, 'node')).code).toBe(2);
    writeFileSync(trace, '{"type":"denial","package":"yaml","capability":"env","target":"X"}\nnot json\n');
    expect(await run('suggest', '--policy', policy, '--trace', trace)).toMatchObject({ code: 2, stderr: expect.stringContaining('trace.jsonl:2: expected one trace event as JSON') });
  });
});

// A policy as a person formats it: odd indentation, lists on one line and one spread over lines. The grants
// match the shapes test/setup/prebuild.ts compiles (yaml with none; capability-probe with env, fs and net).
const HAND_WRITTEN = `{
"packages": {
     "yaml": {"isolate": true},
     "capability-probe": {
        "isolate":   true,
        "reviewed": ["child_process"],
        "allow": {
          "env": [
              "A"
          ],
          "fs": { "read": ["./a/**"], "write": ["./b/**"] },
          "net": ["127.0.0.1:1"]
        }
     }
  }
}
`;

describe('suggest --write on a real app run', () => {
  let app: BuiltApp;
  const policyFile = () => path.join(app.dir, 'isolate-deps.policy.json');

  setUpOrFail(async () => {
    app = await buildApp('suggest-write', {
      policy: {},
      source: [
        `import YAML from 'yaml';`,
        `import probe from 'capability-probe';`,
        `const doc = YAML.parse('a: 1');`, // yaml reads LOG_TOKENS and LOG_STREAM
        `probe.getEnv('LOG_LEVEL');`,
        `probe.readFile('config/app.json');`,
        `probe.writeFile('logs/run.log', 'x');`,
        `probe.spawn();`, // child_process: never granted
        `console.log(JSON.stringify(doc));`,
      ].join('\n'),
      // buildApp writes its policy as JSON.stringify output; the hand-written one replaces it before the build.
      files: { 'isolate-deps.policy.json': HAND_WRITTEN },
    });
  });

  test('adds the denied grants and changes nothing else in the file', () => {
    const suggest = spawnSync(process.execPath, [CLI, 'suggest', '--write', '--', process.execPath, 'dist/app.mjs'], { cwd: app.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(suggest.status, suggest.stderr).toBe(0);
    expect(suggest.stdout).toMatch(/! child_process "[^"]*" {2}\(1×\) no grant suggested/);
    // Each list keeps its layout; the new items follow it; the other lines are byte for byte as written.
    expect(readFileSync(policyFile(), 'utf8')).toBe(`{
"packages": {
     "yaml": {"isolate": true, "allow": { "env": ["LOG_STREAM", "LOG_TOKENS"] }},
     "capability-probe": {
        "isolate":   true,
        "reviewed": ["child_process"],
        "allow": {
          "env": [
              "A",
              "LOG_LEVEL"
          ],
          "fs": { "read": ["./a/**", "./config/**"], "write": ["./b/**", "./logs/**"] },
          "net": ["127.0.0.1:1"]
        }
     }
  }
}
`);
    const probe = loadPolicy(policyFile()).packages.find((p) => p.name === 'capability-probe')!;
    expect(probe.allow.env).toEqual(['A', 'LOG_LEVEL']);
    expect(probe.allow.fs).toEqual({ read: ['./a/**', './config/**'], write: ['./b/**', './logs/**'] });
  }, 120_000);
});

describe('suggest --write on a policy that does not parse', () => {
  test('leaves the file byte for byte as it was and names file:line:column', async () => {
    const { dir, policy, trace } = project();
    const broken = POLICY.replace('"onViolation": "throw",', '"onViolation": "throw",,');
    writeFileSync(policy, broken);
    const result = await run('suggest', '--policy', policy, '--trace', trace, '--write');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, 'isolate-deps.policy.json')}:2:28: $: expected valid JSON`);
    expect(readFileSync(policy, 'utf8')).toBe(broken);
  });
});

describe('a package cannot widen its own grant through suggest', () => {
  test('targets with pattern syntax, or no port, get no suggestion', () => {
    // A package that asks for process.env['AWS_*'] must not be suggested a pattern that grants every AWS_ variable.
    for (const name of ['AWS_*', '*', 'A?', '[A-Z]*', '{A,B}', 'A B', 'X\nY', '']) expect(grantFor('env', name), name).toBeUndefined();
    for (const file of ['config/*/x', 'config/{a,b}/x', '**/x', 'a/[b]/c', '!x/y']) expect(grantFor('fs.read', file), file).toBeUndefined();
    for (const host of ['*:*', '*.example.com:443', 'example.com:*', 'example.com', 'a b:80', 'x:99999']) expect(grantFor('net', host), host).toBeUndefined();
    expect(grantFor('net', '[::1]:8080')).toEqual({ field: 'net', value: '[::1]:8080' });
  });
});

describe('isolate-deps trace', () => {
  test('names what was denied, with counts, not just env×41', async () => {
    const { trace } = project();
    const { code, stdout } = await run('trace', trace);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^yaml .* env×31 \(LOG_TOKENS×30, LOG_STREAM×1\)$/m);
    // Ties sorted by name; a target that is not a plain name is quoted.
    expect(stdout).toMatch(/^fetcher .* fs\.read×3 \("\.\.\/outside\.txt"×1, config\/app\.json×1, config\/other\.json×1\)/m);
  });
});
