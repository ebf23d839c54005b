import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp, runApp, type BuiltApp } from './support/app.ts';

// The same calls, natively, give the expected values below (computed by the test process itself).
import * as yaml from 'yaml';
import { marked } from 'marked';

const POLICY = { packages: { yaml: { isolate: true }, marked: { isolate: true } } };
const DOC = 'name: demo\nitems: [1, two, { three: 3 }]\nflag: true\nnothing: null\n';
const MD = '# Title\n\n* one\n* **two**\n\n[link](https://example.com "t")\n';

describe('isolated real npm packages behave as before', () => {
  let esm: BuiltApp;

  it('builds an ESM app with named, default and namespace imports', async () => {
    esm = await buildApp('round-trip-esm', {
      policy: POLICY,
      source: `
        import { parse, stringify } from 'yaml';
        import YAML from 'yaml';
        import * as ns from 'yaml';
        import { marked } from 'marked';
        const out = {
          parse: parse(${JSON.stringify(DOC)}),
          stringify: stringify({ a: [1, 'x'], b: { c: null } }),
          viaDefault: YAML.parse('k: v'),
          viaNamespace: ns.parse('- 1\\n- 2'),
          parseIsSync: typeof parse('a: 1').then === 'undefined',
          markdown: marked.parse(${JSON.stringify(MD)}),
          markedType: typeof marked,
        };
        let error;
        try { parse('a: [unclosed'); } catch (e) { error = { name: e.name, message: e.message, hasStack: typeof e.stack === 'string' && e.stack.length > 0, code: e.code }; }
        out.error = error;
        console.log(JSON.stringify(out));
      `,
    });
    expect(esm.compiled.map((c) => c.name).sort()).toEqual(['marked', 'yaml']);
  });

  it('gives the same results as the native packages', () => {
    // node_modules is out of reach: the built app must carry everything it needs.
    const { result, status, stderr } = runApp(esm, {}, '/');
    expect(status, stderr).toBe(0);
    expect(result.parse).toEqual(yaml.parse(DOC));
    expect(result.stringify).toBe(yaml.stringify({ a: [1, 'x'], b: { c: null } }));
    expect(result.viaDefault).toEqual({ k: 'v' });
    expect(result.viaNamespace).toEqual([1, 2]);
    expect(result.parseIsSync).toBe(true);
    expect(result.markdown).toBe(marked.parse(MD));
    expect(result.markedType).toBe('function');
  });

  it("rethrows the guest's error on the host with its name, message and stack", () => {
    let native: { name: string; message: string; code?: string } | undefined;
    try {
      yaml.parse('a: [unclosed');
    } catch (e) {
      native = e as typeof native;
    }
    const { result } = runApp(esm);
    expect(result.error).toEqual({ name: native!.name, message: native!.message, hasStack: true, code: native!.code });
  });

  it('ships the component next to the bundle and runs without node_modules', () => {
    expect(existsSync(path.join(path.dirname(esm.outfile), 'isolate-deps'))).toBe(true);
    // Move the output folder where no node_modules exists on the way up: the bundle must not need one.
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'isolate-dist-'));
    cpSync(path.dirname(esm.outfile), elsewhere, { recursive: true });
    const moved = { ...esm, dir: elsewhere, outfile: path.join(elsewhere, path.basename(esm.outfile)) };
    const { status, result, stderr } = runApp(moved, {}, '/');
    expect(status, stderr).toBe(0);
    expect(result.viaDefault).toEqual({ k: 'v' });
    expect(result.markdown).toBe(marked.parse(MD));
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('works in a CommonJS bundle through require()', async () => {
    const cjs = await buildApp('round-trip-cjs', {
      policy: POLICY,
      format: 'cjs',
      source: `
        const YAML = require('yaml');
        const { marked } = require('marked');
        console.log(JSON.stringify({ doc: YAML.parse('x: [1, 2]'), html: marked.parse('*hi*') }));
      `,
    });
    const { result, status, stderr } = runApp(cjs);
    expect(status, stderr).toBe(0);
    expect(result).toEqual({ doc: { x: [1, 2] }, html: marked.parse('*hi*') });
  });

  it('reuses the cached components on a warm rebuild (componentize does not run again)', async () => {
    const warm = await buildApp('round-trip-warm', { policy: POLICY, source: `import { parse } from 'yaml'; import { marked } from 'marked'; console.log(JSON.stringify(parse('a: 1')));` });
    expect(warm.compiled.length).toBe(2);
    for (const c of warm.compiled) {
      expect(c.cacheHit).toBe(true);
      expect(c.timings.componentizeMs).toBe(0);
    }
    expect(runApp(warm).result).toEqual({ a: 1 });
  });

  it('refuses to bundle a package whose installed version is outside the policy range, with no stack of ours', async () => {
    const failure = await buildApp('version-mismatch', { policy: { packages: { 'yaml@^1': { isolate: true } } }, source: `import { parse } from 'yaml'; parse('a: 1');` }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/yaml@2\.9\.1 is installed, but isolate-deps\.policy\.json isolates it only as "yaml@\^1"; refusing to bundle it unisolated/);
    // esbuild prints the message once, not the plugin's own source lines and stack frames.
    expect(message.trim().split('\n')).toHaveLength(2);
    expect(message).not.toMatch(/packages\/|isolation\.ts|\bat /);
  });

  it('removes the component folders of an earlier build when the grant changes, and keeps the rest', async () => {
    const source = `import { parse } from 'yaml'; import { marked } from 'marked'; console.log(JSON.stringify(parse('a: 1')));`;
    const first = await buildApp('stale-output', { policy: POLICY, source });
    // The component folders (`engines/` holds the engines the packages share).
    const folders = () => readdirSync(path.join(first.dir, 'dist/isolate-deps')).filter((f) => f !== 'engines').sort();
    const before = folders();
    expect(before.map((f) => f.split('@')[0])).toEqual(['marked', 'yaml']);
    const regranted = { packages: { ...POLICY.packages, yaml: { isolate: true, allow: { env: ['A'] } } } };
    const second = await buildApp('stale-output', { policy: regranted, source, keepOutput: true });
    const after = folders();
    expect(after).toHaveLength(2);
    expect(after).toContain(before.find((f) => f.startsWith('marked@'))); // unchanged: kept
    expect(after).not.toContain(before.find((f) => f.startsWith('yaml@'))); // the old grant's component: gone
    expect(runApp(second).result).toEqual({ a: 1 });
  });

  it('reports a policy error with the file, line:column and JSON path at build time', async () => {
    // The policy is written with two-space indentation: "isolate" is on line 4, column 6 (esbuild counts columns from 0).
    await expect(buildApp('bad-policy', { policy: { packages: { yaml: { isolate: 'yes' } } }, source: `import 'yaml';` })).rejects.toThrow(
      /isolate-deps\.policy\.json:4:6: ERROR: \[plugin: isolate-deps\] \$\.packages\.yaml\.isolate: expected boolean, got string "yes"/,
    );
  });
});

// Keep test/.work tidy between runs of this file.
process.on('exit', () => rmSync(path.join(import.meta.dirname, '.work', 'version-mismatch'), { recursive: true, force: true }));
