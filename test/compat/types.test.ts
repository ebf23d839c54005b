import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO } from '../support/app.ts';

// Facades are plain JavaScript that esbuild puts in place of the package at bundle time; TypeScript never sees
// them and checks the app against the package's own declarations, as before isolation.
it("type-checks an app against the isolated package's own .d.ts (a misuse is still a type error)", () => {
  const dir = path.join(REPO, 'test/.work/compat-types');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'app.ts'), ["import { parse, Document } from 'yaml';", "import { z } from 'zod';", "const doc: Document = new Document({ a: 1 });", "const value: unknown = parse('a: 1');", "const ok: number = z.number().parse(1);", 'const wrong: number = parse(42);', 'export { doc, value, ok, wrong };', ''].join('\n'));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, types: [] }, files: ['app.ts'] }));
  const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  const errors = tsc.stdout.split('\n').filter((line) => line.includes('error TS'));
  // Only the deliberate misuse: parse() takes a string (yaml's declaration), so 42 is refused.
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/app\.ts\(6,\d+\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/);
});
