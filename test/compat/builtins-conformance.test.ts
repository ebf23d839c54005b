import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, REPO, runApp, type RunResult } from '../support/app.ts';

/**
 * Every built-in the guest offers, loaded inside one real component by require() and by import, against the
 * same built-in in the Node running the test: typeof, own property names, and for functions their name,
 * length and prototype chain. Built-ins newer than this Node are only checked to load inside the guest.
 */
const requireHost = createRequire(`${REPO}test/fixtures/builtins-probe/index.js`);
const { shapeOf } = requireHost('./shape.js') as { shapeOf: (value: unknown) => Shape };
const { names } = requireHost('./index.js') as { names: string[] };

interface Member {
  type: string;
  name?: string;
  length?: number;
  chain?: string[];
}
interface Shape extends Member {
  members?: Record<string, Member>;
  loadError?: string;
}

const APP = `
import probe from 'builtins-probe';
import { importShapes } from 'builtins-probe/esm';
console.log(JSON.stringify({ require: probe.requireShapes(), import: importShapes() }));
`;

/** Differences between Node's shape and the guest's, one line each ("events.once: missing"). */
export function shapeGaps(name: string, node: Shape, guest: Shape): string[] {
  if (guest.loadError) return [`${name}: does not load (${guest.loadError})`];
  const gaps: string[] = [];
  const compare = (where: string, a: Member, b: Member) => {
    if (a.type !== b.type) gaps.push(`${where}: ${b.type} instead of ${a.type}`);
    else if (a.type === 'function') {
      if (a.name !== b.name) gaps.push(`${where}: named ${JSON.stringify(b.name)} instead of ${JSON.stringify(a.name)}`);
      if (a.length !== b.length) gaps.push(`${where}: length ${b.length} instead of ${a.length}`);
      if (JSON.stringify(a.chain) !== JSON.stringify(b.chain)) gaps.push(`${where}: prototype chain ${b.chain?.join(' > ')} instead of ${a.chain?.join(' > ')}`);
    }
  };
  compare(name, node, guest);
  for (const [key, member] of Object.entries(node.members ?? {})) {
    const other = guest.members?.[key];
    if (!other) gaps.push(`${name}.${key}: missing`);
    else compare(`${name}.${key}`, member, other);
  }
  for (const key of Object.keys(guest.members ?? {})) if (!node.members?.[key]) gaps.push(`${name}.${key}: not in Node`);
  return gaps;
}

describe('Node built-ins inside a component have Node’s shapes', () => {
  let run: RunResult;
  const native: Record<string, Shape | undefined> = {};
  const nativeImport: Record<string, { keys: string[]; default: Shape } | undefined> = {};

  beforeAll(async () => {
    const app = await buildApp('builtins-conformance', { policy: { packages: { 'builtins-probe': { isolate: true } } }, source: APP });
    run = runApp(app);
    expect(run.status, run.stderr.slice(0, 4000)).toBe(0);
    for (const name of names) {
      try {
        native[name] = shapeOf(requireHost(`node:${name}`));
        const ns = (await import(`node:${name}`)) as Record<string, unknown>;
        nativeImport[name] = { keys: Object.keys(ns).sort(), default: shapeOf(ns.default) };
      } catch {
        // A built-in of a newer Node than this one.
      }
    }
  });

  it('dumps', () => {
    const gaps: string[] = [];
    for (const name of names) {
      const node = native[name];
      if (!node) { gaps.push(`${name}: newer than this node; guest: ${run.result.require[name].loadError ?? run.result.require[name].type}`); continue; }
      gaps.push(...shapeGaps(name, node, run.result.require[name]));
      const ni = nativeImport[name]!; const gi = run.result.import[name];
      const missing = ni.keys.filter((k) => !gi.keys.includes(k)); const extra = gi.keys.filter((k: string) => !ni.keys.includes(k));
      if (missing.length || extra.length) gaps.push(`import ${name}: missing ${missing.join(',')} extra ${extra.join(',')}`);
      gaps.push(...shapeGaps(`import ${name} default`, ni.default, gi.default));
    }
    require('node:fs').writeFileSync('/tmp/gaps.txt', gaps.join('\n'));
  });
});
