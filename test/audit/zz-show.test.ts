import { test } from 'vitest';
import { analyzePackage } from '@isolate-deps/analyzer';
import { readdirSync } from 'node:fs';
test('show', () => {
  const store = 'node_modules/.pnpm';
  for (const want of (process.env.SHOW ?? '').split(',')) {
    const dirs = want.includes('/') ? [want] : readdirSync(store).filter((d) => d.startsWith(want + '@')).map((d) => `${store}/${d}/node_modules/${want}`);
    for (const dir of dirs) {
      const t = performance.now();
      const a = analyzePackage(dir);
      console.log(dir, Math.round(performance.now() - t), 'ms', JSON.stringify({ reach: { ...a.reach, unreached: a.reach.unreached.slice(0, 5) }, env: a.envNames }));
      for (const [c, ev] of Object.entries(a.capabilities)) for (const e of ev!.slice(0, Number(process.env.N ?? 4))) console.log('  LIB', c, a.counts[c as 'env'], `${e.file}:${e.line}`, e.detail);
      for (const [c, ev] of Object.entries(a.cli.capabilities)) console.log('  CLI', c, ev!.length, `${ev![0]!.file}:${ev![0]!.line}`, ev![0]!.detail);
    }
  }
});
