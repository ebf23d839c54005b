/**
 * A package that can never run isolated (it starts processes, or loads a native addon) is refused at the
 * start of the build, by the analyzer, with the evidence and the fix: never after minutes of compiling,
 * never at the app's first call. Real packages: cross-spawn (child_process) and utf-8-validate (a .node
 * addon with prebuilds, installed without a compiler).
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkCanIsolate } from '@isolate-deps/plugin-core';
import { loadPolicy } from '@isolate-deps/policy';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { buildApp, REPO } from './support/app.ts';

/** The build's error text, and the analyzer's time as the message reports it. */
async function refusal(name: string, entry: Record<string, unknown>): Promise<{ text: string; analyzerMs: number }> {
  const error = await buildApp(`cannot-isolate-${name}`, { policy: { packages: { [name]: entry } }, source: `import m from '${name}';\nconsole.log(typeof m);\n` }).then(
    () => undefined,
    (e: Error & { errors?: { text: string }[] }) => e,
  );
  expect(error, `${name} was built`).toBeDefined();
  const text = error!.errors?.map((e) => e.text).join('\n') ?? error!.message;
  const ms = /found by the analyzer in (\d+) ms, before compiling/.exec(text);
  expect(ms, text).not.toBeNull();
  return { text, analyzerMs: Number(ms![1]) };
}

describe('packages that can never run isolated are refused before compiling', () => {
  test('cross-spawn: its own code starts processes', async () => {
    const { text, analyzerMs } = await refusal('cross-spawn', { isolate: true });
    expect(text).toMatch(/^isolate-deps: cross-spawn@7\.0\.6 cannot run isolated: starts processes \(child_process\), which a WebAssembly component can never be granted\./);
    expect(text).toMatch(/^ {2}node_modules\/cross-spawn\/index\.js:\d+ {2}child_process\.spawn$/m);
    expect(text).toContain('Fix: remove "isolate" from "cross-spawn" in isolate-deps.policy.json');
    expect(text).toContain('`npx isolate-deps explain cross-spawn`');
    expect(text).not.toMatch(/\n\s+at /); // no stack frames of ours
    expect(analyzerMs).toBeLessThan(5000);
  });

  test('utf-8-validate: a native addon (binding.gyp, prebuilt .node files)', async () => {
    const { text, analyzerMs } = await refusal('utf-8-validate', { isolate: true });
    expect(text).toMatch(/^isolate-deps: utf-8-validate@6\.0\.6 cannot run isolated: loads a native addon \(\.node\)/);
    expect(text).toMatch(/node_modules\/utf-8-validate\/(binding\.gyp|prebuilds\/linux-x64\/[\w.-]+\.node):1 {2}/);
    expect(text).toContain('"reviewed": ["native"]');
    expect(analyzerMs).toBeLessThan(5000);
  });

  test('"reviewed" acknowledges the capability: the check lets the build go on (each call will be denied)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ack-'));
    const file = path.join(dir, 'isolate-deps.policy.json');
    writeFileSync(file, JSON.stringify({ packages: { 'cross-spawn': { isolate: true, reviewed: ['child_process'] }, 'utf-8-validate': { isolate: true } } }));
    const policy = loadPolicy(file);
    const [crossSpawn, utf8] = policy.packages;
    expect(() => checkCanIsolate(crossSpawn!, '7.0.6', REPO, file)).not.toThrow();
    expect(() => checkCanIsolate(utf8!, '6.0.6', REPO, file)).toThrow(expect.objectContaining({ code: 'ERR_CANNOT_ISOLATE' }));
  });

  test('a package whose dependency only carries a Worker on a side path still builds (pino, cheerio run isolated)', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ack-')), 'isolate-deps.policy.json');
    writeFileSync(file, JSON.stringify({ packages: { pino: { isolate: true }, cheerio: { isolate: true } } }));
    for (const entry of loadPolicy(file).packages) expect(() => checkCanIsolate(entry, 'any', REPO, file)).not.toThrow();
  });

  test('the analysis is remembered in the component cache between builds, and redone when a file changes', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'remembered-'));
    const pkg = path.join(root, 'node_modules', 'edited-in-place');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'edited-in-place', version: '1.0.0', main: 'index.js' }));
    writeFileSync(path.join(pkg, 'index.js'), 'module.exports = (s) => s.toUpperCase();\n');
    const file = path.join(root, 'isolate-deps.policy.json');
    writeFileSync(file, JSON.stringify({ packages: { 'edited-in-place': { isolate: true } } }));
    const [entry] = loadPolicy(file).packages;
    const cacheDir = path.join(root, 'cache');

    expect(() => checkCanIsolate(entry!, '1.0.0', root, file, cacheDir)).not.toThrow();
    const remembered = readdirSync(path.join(cacheDir, 'isolation-checks'));
    expect(remembered).toHaveLength(1);
    // Served from that file while nothing changed: a finding written into it is what the next check sees.
    const stored = path.join(cacheDir, 'isolation-checks', remembered[0]!);
    const analysis = JSON.parse(readFileSync(stored, 'utf8'));
    analysis.capabilities.child_process = [{ file: 'index.js', line: 1, column: 1, detail: 'planted in the remembered analysis' }];
    writeFileSync(stored, JSON.stringify(analysis));
    expect(() => checkCanIsolate(entry!, '1.0.0', root, file, cacheDir)).toThrow(/planted in the remembered analysis/);

    // The package edited in place (same version): analysed again, from its files.
    writeFileSync(path.join(pkg, 'index.js'), "const { execSync } = require('child_process');\nmodule.exports = () => execSync('id');\n");
    utimesSync(path.join(pkg, 'index.js'), new Date(), new Date(Date.now() + 2000));
    const error = (() => {
      try {
        checkCanIsolate(entry!, '1.0.0', root, file, cacheDir);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/edited-in-place\/index\.js:1 {2}child_process/);
    expect(error?.message).not.toContain('planted');
  });
});
