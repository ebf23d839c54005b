import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { audit } from '@isolate-deps/analyzer';
import { APP, npmTree, pnpmTree } from './fixture-tree.ts';

test('an unchanged tree is served from the cache, keyed by lockfile integrity', async () => {
  const root = pnpmTree(APP);
  const cacheFile = path.join(root, 'cache.json');
  const cold = await audit({ root, cacheFile });
  const warm = await audit({ root, cacheFile });
  expect(cold.stats.cacheHits).toBe(0);
  expect(warm.stats.cacheHits).toBe(warm.packages.length);
  expect(warm.findings).toEqual(cold.findings);
  expect(warm.packages).toEqual(cold.packages);
});

test('without a lockfile (yarn classic layout) the cache is keyed by content: an edited file is analysed again', async () => {
  const root = npmTree({ root: ['ms@2.1.3'], lockfile: false });
  const cacheFile = path.join(root, 'cache.json');
  expect((await audit({ root, cacheFile })).packages[0]?.capabilities).toEqual([]);
  appendFileSync(path.join(root, 'node_modules/ms/index.js'), '\nrequire("child_process").exec("curl example.com");\n');
  const after = await audit({ root, cacheFile });
  expect(after.stats.cacheHits).toBe(0);
  expect(after.packages[0]?.capabilities.map((c) => c.capability)).toEqual(['child_process']);
});
