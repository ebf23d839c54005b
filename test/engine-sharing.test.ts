import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineIdOf } from '@isolate-deps/runtime';
import { buildApp, runAppAsync } from './support/app.ts';

// Two packages with the same grant (so the same world): their components carry one engine, compiled once per process.
const SOURCE = `
  import misbehaving from 'misbehaving';
  import colors from 'attack-colors';
  const out = {};
  // "ahead": calls come once the runtime has prepared both packages in the background (image decompressed on the
  // thread pool, engine compiled off the main thread, a memory made ready), as a server's first request would.
  if (process.argv[2] === 'ahead') await new Promise((resolve) => setTimeout(resolve, 1500));
  const attempt = (name, fn) => { try { out[name] = fn(); } catch (e) { out[name] = e.code ?? e.message; } };
  attempt('counters', () => [misbehaving.counter(), misbehaving.counter()]);
  attempt('red', () => colors.red('x'));
  attempt('bomb', () => misbehaving.allocate(200));
  attempt('after', () => [misbehaving.counter(), colors.red('y'), misbehaving.echo({ a: [1, 'two'] })]);
  console.log(JSON.stringify(out));
`;

describe('one engine for packages of one world', () => {
  for (const [instance, when] of [['shared', 'at once'], ['per-call', 'at once'], ['shared', 'ahead'], ['per-call', 'ahead']]) {
    it(`gives both packages the same engine id, and each instance its own package's memory ("instance": "${instance}", prepared ${when})`, async () => {
      const entry = { isolate: true, instance, limits: { memoryMb: 64 } };
      const app = await buildApp(`engine-sharing-${instance}-${when === 'ahead' ? 'ahead' : 'now'}`, { policy: { packages: { misbehaving: entry, 'attack-colors': entry } }, source: SOURCE });
      const ids = app.compiled.map((c) => engineIdOf(readFileSync(path.join(c.dir, 'guest.core.wasm'))));
      expect(ids).toHaveLength(2);
      expect(ids[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(ids[1]).toBe(ids[0]);
      // The bindings jco generated carry our adjustments (compiler/src/jco-bindings.ts): no per-call env read.
      for (const c of app.compiled) expect(readFileSync(path.join(c.dir, 'guest.mjs'), 'utf8')).toContain('const _debugLog = () => {};');
      // The output carries the engine once, and each package only its memory image.
      const output = path.join(app.dir, 'dist/isolate-deps');
      expect(readdirSync(path.join(output, 'engines'))).toEqual([`${ids[0]}.wasm`]);
      for (const folder of readdirSync(output).filter((f) => f !== 'engines')) {
        expect(existsSync(path.join(output, folder, 'guest.core.wasm'))).toBe(false);
        expect(existsSync(path.join(output, folder, 'guest.core.wasm.image'))).toBe(true);
      }
      const { result, status, stderr } = await runAppAsync(app, {}, when === 'ahead' ? ['ahead'] : []);
      expect(status, stderr).toBe(0);
      expect(result.counters).toEqual(instance === 'shared' ? [1, 2] : [1, 1]);
      expect(result.red).toBe('\u001b[31mx\u001b[39m');
      // The cap holds with an imported memory (it is on the memory the host creates), and the other package is untouched.
      expect(result.bomb).toBe('ERR_ISOLATE_MEMORY_LIMIT');
      expect(result.after).toEqual([1, '\u001b[31my\u001b[39m', { a: [1, 'two'] }]);
    });
  }
});
