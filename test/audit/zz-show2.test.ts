import { test } from 'vitest';
import { audit } from '@isolate-deps/analyzer';
import { writeFileSync } from 'node:fs';
test('show', async () => {
  const t = performance.now();
  const r = await audit({ root: process.cwd(), cacheFile: false });
  console.log('ms', performance.now() - t, r.stats);
  writeFileSync('/tmp/report.json', JSON.stringify(r, null, 1));
}, 600000);
