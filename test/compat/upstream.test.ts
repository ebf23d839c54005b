import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';
import { describe, expect, it } from 'vitest';
import { CACHE_DIR, REPO } from '../support/app.ts';

// Upstream test suites that ship inside the packages' own npm tarballs, run unchanged with tape, once against the
// native package and once against the isolated build: the test files' `require('../')` is pointed at the
// isolated package. Nothing of the suites is copied into this repository.
interface Suite {
  name: string;
  /** Test files, relative to the package folder. */
  files: (dir: string) => string[];
  /** A documented limit that ends the isolated run early: the error code it ends with. */
  stopsWith?: string;
}

const SUITES: Suite[] = [
  { name: 'minimist', files: (dir) => readdirSync(path.join(dir, 'test')).filter((f) => f.endsWith('.js')).map((f) => `test/${f}`) },
  // test/utils.js tests qs's internal lib/utils module, not its API; empty-keys-cases.js is data for parse.js.
  // A custom decoder that calls qs's own defaultDecoder calls back into qs from a host callback: the documented
  // re-entrancy limit. tape does not catch it, so the isolated run ends there.
  { name: 'qs', files: () => ['test/parse.js', 'test/stringify.js'], stopsWith: 'ERR_ISOLATE_REENTRANT' },
];

const requireFromRepo = createRequire(path.join(REPO, 'package.json'));

/** Points a test file's `require('../')` at the package by name, so the isolate-deps plugin (or Node) serves it. */
function packageUnderTest(name: string, dir: string): Plugin {
  return {
    name: 'package-under-test',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/?(index(\.js)?)?$/ }, async (args) => {
        if (!args.importer.startsWith(path.join(dir, 'test'))) return undefined;
        return b.resolve(name, { kind: args.kind, resolveDir: REPO });
      });
    },
  };
}

interface TapCounts {
  pass: number;
  fail: number;
  failures: string[];
}

async function runSuite(suite: Suite, isolated: boolean): Promise<TapCounts & { stderr: string }> {
  const dir = path.dirname(requireFromRepo.resolve(`${suite.name}/package.json`));
  const work = path.join(REPO, 'test/.work', `upstream-${suite.name}-${isolated ? 'isolated' : 'native'}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'isolate-deps.policy.json'), JSON.stringify({ packages: { [suite.name]: { isolate: true } } }));
  writeFileSync(path.join(work, 'entry.js'), suite.files(dir).map((f) => `require(${JSON.stringify(path.join(dir, f))});`).join('\n'));
  const outfile = path.join(work, 'suite.cjs');
  await build({
    absWorkingDir: work,
    entryPoints: ['entry.js'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    // This helper relies on sloppy mode, which the bundle's "use strict" takes away: Node loads it as it would.
    external: ['has-override-mistake'],
    logLevel: 'silent',
    plugins: isolated ? [packageUnderTest(suite.name, dir), isolateDeps({ cacheDir: CACHE_DIR })] : [packageUnderTest(suite.name, dir)],
  });
  const child = spawnSync(process.execPath, [outfile], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { PATH: process.env.PATH ?? '' } });
  // Assertions as tape reports them, one line each (a run that stops early prints no summary).
  const lines = child.stdout.split('\n');
  const failures = lines.filter((l) => /^not ok \d+/.test(l));
  return { pass: lines.filter((l) => /^ok \d+/.test(l)).length, fail: failures.length, failures, stderr: child.stderr };
}

describe('upstream test suites against the isolated build', () => {
  for (const suite of SUITES) {
    it(suite.stopsWith ? `${suite.name}: its own tape suite runs isolated until ${suite.stopsWith}` : `${suite.name}: its own tape suite passes isolated as it does natively`, async () => {
      const native = await runSuite(suite, false);
      const isolated = await runSuite(suite, true);
      console.log(`${suite.name}: native ${native.pass} passed, ${native.fail} failed; isolated ${isolated.pass} passed, ${isolated.fail} failed`);
      if (isolated.failures.length > 0) console.log(isolated.failures.join('\n'));
      expect(native.pass, native.stderr).toBeGreaterThan(0);
      if (suite.stopsWith) {
        expect(isolated.stderr).toContain(suite.stopsWith);
        expect(isolated.pass).toBeGreaterThan(0);
        return;
      }
      expect(isolated.pass + isolated.fail, isolated.stderr).toBe(native.pass + native.fail);
      expect(isolated.fail).toBe(native.fail);
    }, 900_000);
  }
});
