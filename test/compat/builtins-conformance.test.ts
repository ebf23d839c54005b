import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { setUpOrFail } from '../support/setup.ts';
import { buildApp, REPO, runApp, type RunResult } from '../support/app.ts';

/**
 * Every built-in the guest offers (those of the newest Node), loaded inside one real component by require()
 * and by import, against the same built-in in the Node running the test: typeof, own property names, and for
 * functions their name, length and (for classes) prototype chain. The gaps that remain are the table in docs/node-builtins.md.
 */
const requireProbe = createRequire(`${REPO}test/fixtures/builtins-probe/index.js`);
const probe = requireProbe('./index.js') as { names: string[]; inspectChecks(): unknown; moduleChecks(): unknown };
const { shapeOf } = requireProbe('./shape.js') as { shapeOf: (value: unknown) => Shape };

interface Member {
  type: string;
  name?: string;
  length?: number;
  chain?: string[];
  classLike?: boolean;
}
interface Shape extends Member {
  members?: Record<string, Member>;
  loadError?: string;
}
interface ImportShape {
  keys: string[];
  default: Shape;
}

const APP = `
import probe from 'builtins-probe';
import { importShapes } from 'builtins-probe/esm';
console.log(JSON.stringify({
  require: probe.requireShapes(), import: importShapes(), inspect: probe.inspectChecks(), modules: probe.moduleChecks(),
  location: probe.location(), newer: probe.newerBuiltin(),
}));
`;

/** Differences between Node's shape and the guest's, one line each ("events.once: missing"). */
function shapeGaps(name: string, node: Shape, guest: Shape): string[] {
  if (guest.loadError) return [`${name}: does not load (${guest.loadError})`];
  const gaps: string[] = [];
  const compare = (where: string, a: Member, b: Member) => {
    if (a.type !== b.type) gaps.push(`${where}: ${b.type} instead of ${a.type}`);
    else if (a.type === 'function') {
      if (a.name !== b.name) gaps.push(`${where}: named ${JSON.stringify(b.name)} instead of ${JSON.stringify(a.name)}`);
      if (a.length !== b.length) gaps.push(`${where}: length ${b.length} instead of ${a.length}`);
      // Classes only: whether a plain function has a prototype (method shorthand or not) is nothing a package sees.
      if (a.classLike && JSON.stringify(a.chain) !== JSON.stringify(b.chain)) gaps.push(`${where}: prototype chain ${b.chain?.join(' > ')} instead of ${a.chain?.join(' > ')}`);
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

/** Modules named in docs/node-builtins.md's gap table (the rows between its markers). */
function readmeGapRows(): string[] {
  const readme = readFileSync(`${REPO}docs/node-builtins.md`, 'utf8');
  const table = readme.split('<!-- builtins-gaps:start -->')[1]?.split('<!-- builtins-gaps:end -->')[0] ?? '';
  return [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('Node built-ins inside a component have Node’s shapes', () => {
  let run: RunResult;
  const native: Record<string, Shape> = {};
  const nativeImport: Record<string, ImportShape> = {};

  setUpOrFail(async () => {
    const app = await buildApp('builtins-conformance', { policy: { packages: { 'builtins-probe': { isolate: true, reviewed: ['child_process', 'worker'] } } }, source: APP });
    run = runApp(app);
    expect(run.status, run.stderr.slice(0, 4000)).toBe(0);
    for (const name of probe.names) {
      let exports: unknown;
      try {
        exports = requireProbe(`node:${name}`);
      } catch {
        continue; // A built-in of a newer Node than this one.
      }
      native[name] = shapeOf(exports);
      const ns = (await import(/* @vite-ignore */ `node:${name}`)) as Record<string, unknown>;
      nativeImport[name] = { keys: Object.keys(ns).sort(), default: shapeOf(ns.default) };
    }
  });

  it('loads every built-in of the newest Node by require and by import, newer ones included', () => {
    expect(probe.names).toEqual(expect.arrayContaining(['sqlite', 'sea', 'test/reporters', 'diagnostics_channel', 'zlib']));
    const failed = probe.names.filter((name) => run.result.require[name]?.loadError !== undefined || run.result.import[name] === undefined);
    expect(failed).toEqual([]);
  });

  it('gives module.exports the type Node gives it, under require and as the default import', () => {
    const known = Object.keys(native);
    expect(known.length).toBeGreaterThan(50);
    const types = (side: (name: string) => string) => Object.fromEntries(known.map((name) => [name, side(name)]));
    expect(types((name) => run.result.require[name].type)).toEqual(types((name) => native[name]!.type));
    expect(types((name) => run.result.import[name].default.type)).toEqual(types((name) => native[name]!.type));
    expect(run.result.require.events.type).toBe('function');
    expect(run.result.require.stream.type).toBe('function');
  });

  it('imports what it requires: the default export is module.exports and the named exports are its members', () => {
    for (const name of Object.keys(native)) {
      // What Node lets a module import by name, where the guest's module has that member.
      const members = run.result.require[name].members ?? {};
      const importable = nativeImport[name]!.keys.filter((key) => key !== 'default' && key in members);
      expect(run.result.import[name].keys, name).toEqual(expect.arrayContaining(importable));
      expect(run.result.import[name].keys, name).toContain('default');
      expect(shapeGaps(name, run.result.require[name], run.result.import[name].default), name).toEqual([]);
    }
  });

  it('matches Node exactly for the built-ins it implements in full', () => {
    const exact = ['events', 'stream', 'stream/promises', 'string_decoder', 'diagnostics_channel'];
    const gaps = exact.flatMap((name) => shapeGaps(name, native[name]!, run.result.require[name]));
    expect(gaps).toEqual([]);
  });

  it('lists every built-in that differs from Node in the docs/node-builtins.md table, and only those', () => {
    const gaps = Object.fromEntries(Object.keys(native).map((name) => [name, shapeGaps(name, native[name]!, run.result.require[name])]));
    const differing = Object.keys(gaps).filter((name) => gaps[name]!.length > 0);
    const details = differing.map((name) => gaps[name]!.join('\n')).join('\n');
    if (process.env.BUILTINS_GAPS_FILE) writeFileSync(process.env.BUILTINS_GAPS_FILE, details);
    expect(readmeGapRows().sort(), details).toEqual(differing.sort());
  });

  it('prints values with util.inspect and util.format exactly as Node does (%o, %O, %j included)', () => {
    expect(run.result.inspect).toEqual(json(probe.inspectChecks()));
    expect(run.result.inspect.format[0]).toBe('{ a: [ 1, 2, [length]: 2 ] }');
  });

  it('behaves as Node for inherits(X, stream), diagnostics channels, AsyncLocalStorage, ServerResponse, events helpers and isMainThread', () => {
    expect(run.result.modules).toEqual(json(probe.moduleChecks()));
  });

  it('gives a CommonJS file __filename and __dirname under the virtual project directory', () => {
    expect(run.result.location).toMatchObject({ dirname: 'string', filename: 'string', file: 'builtins-probe/checks.js', consistent: true });
    // A virtual path: where the app and the package live on the host stays out of the component.
    expect(run.result.location.path).toMatch(/^\/[^\\]*builtins-probe\/checks\.js$/);
    expect(run.result.location.path).not.toContain(REPO.replace(/\/$/, ''));
  });

  it('refuses a built-in newer than the build’s Node when it is used, not when it is loaded', () => {
    expect(run.result.newer).toMatchObject({ loaded: 'object', code: 'ERR_ISOLATE_UNSUPPORTED' });
    expect(run.result.newer.message).toContain('sqlite.DatabaseSync');
  });
});
