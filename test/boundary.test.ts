import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildApp, REPO, runApp, type BuiltApp, type RunResult } from './support/app.ts';
import { FINGERPRINT_SOURCE } from './support/fingerprint.ts';

// Each scenario runs twice inside the built app, against the native package and against the isolated one;
// the test compares the two. `fingerprint` spells out what JSON would hide: types, -0, identity, prototypes.
const APP = `
import * as isolated from 'boundary-probe';
import { boundaryStats } from 'isolate-deps/runtime';
import { createRequire } from 'node:module';
const requireNative = createRequire(${JSON.stringify(`${REPO}package.json`)});
const native = requireNative('boundary-probe');
const lodash = requireNative('lodash');

${FINGERPRINT_SOURCE}
const scenarios = {
  primitivesAndBuiltIns: (m) => fingerprint(m.samples()),
  hostValuesIntoGuest: (m) => {
    const cyclic = { a: 1 }; cyclic.self = cyclic;
    const shared = { x: 1 };
    return m.inspect({ cyclic, pair: [shared, shared], buffer: Buffer.from('x'), map: new Map([[1, 2]]), set: new Set([1]), date: new Date(0), negZero: -0, big: 10n, nan: NaN, undef: undefined, re: /x/g, bytes: new Int16Array([1, -1]) });
  },
  echoKeepsValues: (m) => fingerprint(m.echo({ nested: [1, 'two', { three: [null, true, -0, 2n ** 70n] }], when: new Date(5), err: new RangeError('r') })),
  classes: (m) => {
    const counter = new m.Counter(5);
    const out = [counter.increment(), counter.increment(3), counter.value, counter.label];
    counter.value = 42;
    out.push(counter.value, counter instanceof m.Counter, m.isCounter(counter), [...counter].length, m.Counter.create(2).value, typeof m.Counter, m.Counter.name);
    out.push('label' in counter, Object.keys(counter), ({}) instanceof m.Counter);
    return out;
  },
  staticsAreLive: (m) => { const before = m.Counter.instances; new m.Counter(); return m.Counter.instances - before; },
  generators: (m) => { const it = m.range(4); const first = it.next(); return [first, [...it], [...m.range(2)]]; },
  callbacks: (m) => {
    const add = m.makeAdder(5);
    m.keep((x) => x * 3);
    return [m.map([1, 2, 3], (x, i) => x * 10 + i), m.sortWith([3, 1, 2], (a, b) => b - a), m.callTwice((n) => ({ n })), add(1), add(2), m.callKept(7), typeof add];
  },
  callbackErrors: (m) => m.tryCall(() => { throw Object.assign(new TypeError('from the host'), { code: 'E_HOST' }); }),
  identity: (m) => {
    const hostFn = (a, b) => a + b;
    const add = m.makeAdder(1);
    const counter = new m.Counter(1);
    return [m.same(hostFn, hostFn), m.echo(hostFn) === hostFn, m.echo({ f: hostFn }).f === hostFn, m.echo([add])[0] === add, m.echo(add) === add, m.same(add, add),
      m.echo(counter) === counter, m.echo({ nested: [counter] }).nested[0] === counter, m.same(m.echo, m.echo)];
  },
  arity: (m) => [m.add3.length, m.map.length, m.makeAdder(2).length, m.lengthOf((a, b, c) => 0), m.lengthOf(function named(x) { return x; }), lodash.curry(m.add3)(1)(2)(3), m.curryInside((a, b, c) => a * b * c)],
  errorClasses: (m) => ['probe', 'detailed'].map((kind) => {
    try { m.failWith(kind); return 'no error'; } catch (e) {
      return [e instanceof m.ProbeError, e instanceof m.DetailedError, e instanceof Error, e.name, e.message, e.code, e.detail, typeof e.stack, m.classOf(e), ({}) instanceof m.ProbeError];
    }
  }),
  writeBackObjects: (m) => {
    const nested = { count: 1, list: ['a'] };
    const options = { keep: 1, removeMe: true, nested };
    m.applyDefaults(options, { extra: 'x', keep: 2, when: new Date(7) });
    return [fingerprint(options), options.nested === nested, options.alias === nested, options.wrapped.inner === nested.list, options.hook()];
  },
  writeBackArrays: (m) => {
    const list = ['c'];
    const short = [1, 2, 3];
    return [m.pushInto(list, 'b', 'a'), list, m.truncate(short).length, short, m.readOnly({ a: 1 })];
  },
  writeBackCycles: (m) => {
    const node = { next: { value: 'v' } };
    const next = node.next;
    m.cycle(node);
    return [node.self === node, node.next === next, next.value];
  },
  writeBackBeforeThrow: (m) => {
    const options = {};
    try { m.mutateThenThrow(options); } catch (e) { return [options, e.name]; }
  },
  // A string result crosses as it is when UTF-8 carries it unchanged, else as JSON (lone surrogates).
  strings: (m) => ['', '0', '1', 's', 'W3:abc0"x"', '"quoted"', 'back\\\\slash', 'line\\nbreak\\r\\t\\u0000\\u001f', '\\u00e9\\u65e5\\u672c', '\\ud83d\\ude00', '\\ud800', 'a\\udc00b', '\\udc00\\ud800', 'x'.repeat(10_000)]
    .map((s) => [m.echo(s), m.upper(s), m.echo(s) === s]),
  callbackWritesBack: (m) => m.callbackChanges((token) => { token.type = 'strong'; token.text = token.text.toUpperCase(); token.children[0].type = 'changed'; token.children.push({ type: 'added' }); }),
};

const asyncScenarios = {
  promises: async (m) => [await m.later(3), await m.failLater('nope').catch((e) => [e.constructor.name, e.message]), m.later(1) instanceof Promise],
};

const out = { native: {}, isolated: {} };
for (const [name, run] of Object.entries(scenarios)) {
  for (const [side, m] of [['native', native], ['isolated', isolated]]) {
    try { out[side][name] = run(m); } catch (e) { out[side][name] = { threw: e.name + ': ' + e.message }; }
  }
}
for (const [name, run] of Object.entries(asyncScenarios)) {
  for (const [side, m] of [['native', native], ['isolated', isolated]]) {
    try { out[side][name] = await run(m); } catch (e) { out[side][name] = { threw: e.name + ': ' + e.message }; }
  }
}

// Only the isolated side: what the boundary adds.
const reentry = isolated.tryCall(() => isolated.upper('again'));
out.reentry = { ...reentry, afterwards: isolated.upper('fine') };

const hostile = isolated.pollution();
const assigned = Object.assign({}, hostile);
const spread = { ...hostile };
const merged = lodash.merge({}, hostile);
const deepMerged = lodash.merge({}, { nested: {} }, hostile);
out.pollution = {
  ownKeys: Object.keys(hostile),
  fresh: ({}).polluted, assigned: assigned.polluted, spread: spread.polluted, merged: merged.polluted, deepMerged: deepMerged.nested.polluted,
  prototypes: [assigned, spread, merged, hostile, hostile.nested].map((o) => Object.getPrototypeOf(o) === Object.prototype),
  objectPrototypeKeys: Object.getOwnPropertyNames(Object.prototype).length,
  constructorIsData: typeof hostile.constructor === 'object' && hostile.constructor.prototype.polluted,
};

// Write-back leaves alone what Node's package could not have changed either, or what a copy cannot say.
class Settings { constructor() { this.level = 1; } }
const frozen = Object.freeze({ nested: { count: 1, list: [] }, keep: 1 });
const instance = new Settings();
const withInstance = { nested: { count: 1, list: [] }, instance, get computed() { return 'getter'; } };
isolated.applyDefaults(frozen, { extra: 1 });
isolated.applyDefaults(withInstance, { computed: 'overwritten' });
isolated.setDeep(withInstance, ['instance', 'level'], 99);
isolated.setDeep(withInstance, ['instance'], { level: 98 });
out.writeBackBounds = {
  frozen: [Object.keys(frozen), frozen.nested.count, frozen.nested.list.length],
  instanceKept: withInstance.instance === instance && Object.getPrototypeOf(instance) === Settings.prototype,
  // A class instance crosses live (the membrane): the package's write reaches it, as in Node.
  instanceLevel: instance.level,
  getterKept: typeof Object.getOwnPropertyDescriptor(withInstance, 'computed').get === 'function',
  changed: withInstance.nested.count,
};

out.malformed = {};
for (const mode of ['garbage', 'unknown-tag', 'bad-ref', 'deep', 'bad-typed-array']) {
  try { isolated.tamperEncoding(mode); out.malformed[mode] = 'no error'; } catch (e) { out.malformed[mode] = { name: e.name, code: e.code }; }
}
out.malformed.afterwards = isolated.upper('still here');

if (typeof globalThis.gc === 'function') {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  const collect = async () => { for (let i = 0; i < 5; i++) { globalThis.gc(); await settle(); } };
  await collect();
  const baseline = boundaryStats(isolated.upper);
  let held = [];
  for (let i = 0; i < 200; i++) held.push(new isolated.Counter(i), isolated.makeAdder(i));
  const during = boundaryStats(isolated.upper);
  held = null;
  await collect();
  isolated.upper('one more call lets the guest report what it dropped');
  out.release = { baseline, during, after: boundaryStats(isolated.upper) };
}
console.log(JSON.stringify(out));
`;

describe('the boundary carries real APIs unchanged', () => {
  let app: BuiltApp;
  let run: RunResult;

  it('builds an app that uses the probe package natively and isolated', async () => {
    app = await buildApp('boundary-values', { policy: { packages: { 'boundary-probe': { isolate: true } } }, source: APP });
    const child = spawnSync(process.execPath, ['--expose-gc', app.outfile], { cwd: app.dir, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '' } });
    const lines = child.stdout.trim().split('\n');
    run = { stdout: child.stdout, stderr: child.stderr, status: child.status, result: JSON.parse(lines[lines.length - 1] ?? 'null') };
    expect(run.status, run.stderr).toBe(0);
  }, 300_000);

  const same = (name: string) => () => {
    expect(run.result.isolated[name]).toEqual(run.result.native[name]);
    expect(JSON.stringify(run.result.isolated[name])).not.toContain('threw');
  };

  it('copies every primitive (bigint, undefined, NaN, -0), Date, RegExp, Map, Set, ArrayBuffer, typed arrays, Buffer, errors of every built-in class with code and cause, shared references and cycles', same('primitivesAndBuiltIns'));
  it('sends host values into the guest the same way (cycles and shared references kept, Buffer stays a Buffer)', same('hostValuesIntoGuest'));
  it('round-trips nested values through the guest unchanged', same('echoKeepsValues'));
  it('proxies class instances and classes: new, methods, getters and setters, statics, instanceof, iteration', same('classes'));
  it('reads static fields live from the guest', same('staticsAreLive'));
  it('proxies generators and iterators', same('generators'));
  it('passes host callbacks in (iteratees, comparators, stored callbacks) and guest functions out', same('callbacks'));
  it('carries an error thrown by a host callback into the guest with its class and code', same('callbackErrors'));
  it('turns an async guest function into a host Promise that resolves and rejects like the original', same('promises'));

  it('keeps identity on a round trip: a host callback passed in twice, a guest function or object passed back, nested in data', same('identity'));
  it('keeps function length and name both ways, so curry helpers work over isolated functions and host callbacks', same('arity'));
  it("makes an error of the package's own class an instance of that class on the host (and of its base classes and Error), with its name, fields and stack; passed back in, it is the original", same('errorClasses'));
  it('writes back changes a package makes to plain objects passed in: assign, delete, nested, shared references, a new function', same('writeBackObjects'));
  it('writes back changes to arrays passed in (push, sort, length)', same('writeBackArrays'));
  it('writes back cycles a package adds, keeping the identity of nested originals', same('writeBackCycles'));
  it('writes back changes made before the package threw', same('writeBackBeforeThrow'));
  it('writes back changes a host callback makes to the guest objects it was passed', same('callbackWritesBack'));
  it('returns strings unchanged: quotes, escapes, control characters, non-ASCII, surrogate pairs and lone surrogates', same('strings'));

  it('leaves frozen host objects and accessors alone when writing back, and never replaces a class instance (which the package reached live)', () => {
    expect(run.result.writeBackBounds).toEqual({ frozen: [['nested', 'keep'], 1, 0], instanceKept: true, instanceLevel: 99, getterKept: true, changed: 2 });
  });

  it('refuses a callback that re-enters the same package with a typed error, and the instance keeps working', () => {
    expect(run.result.reentry).toMatchObject({ name: 'IsolateReentrancyError', code: 'ERR_ISOLATE_REENTRANT', afterwards: 'FINE' });
  });

  it('rebuilds output from data: __proto__/constructor/prototype keys pollute nothing after Object.assign, spread or lodash.merge', () => {
    const { pollution } = run.result;
    expect(pollution.ownKeys).toEqual(['constructor', 'prototype', 'nested']);
    expect([pollution.fresh, pollution.assigned, pollution.spread, pollution.merged, pollution.deepMerged]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(pollution.prototypes).toEqual([true, true, true, true, true]);
    expect(pollution.constructorIsData).toBe('yes');
    const native = spawnSync(process.execPath, ['-p', 'Object.getOwnPropertyNames(Object.prototype).length'], { encoding: 'utf8' });
    expect(pollution.objectPrototypeKeys).toBe(Number(native.stdout.trim()));
  });

  it('raises a typed BoundaryDecodeError for malformed encodings from a tampered guest, without crashing', () => {
    const expected = { name: 'BoundaryDecodeError', code: 'ERR_ISOLATE_BAD_ENCODING' };
    expect(run.result.malformed).toEqual({ garbage: expected, 'unknown-tag': expected, 'bad-ref': expected, deep: expected, 'bad-typed-array': expected, afterwards: 'STILL HERE' });
  });

  it('releases guest handles when their host proxies are garbage collected', () => {
    const { baseline, during, after } = run.result.release;
    expect(during.handles).toBeGreaterThanOrEqual(baseline.handles + 400);
    expect(after.handles).toBe(baseline.handles);

  });

  it('runs in a plain node process too (no --expose-gc: no release figures) and still refuses re-entry', () => {
    const plain = runApp(app);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.result.release).toBeUndefined();
    expect(plain.result.reentry.code).toBe('ERR_ISOLATE_REENTRANT');
  });
});
