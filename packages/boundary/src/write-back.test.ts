import { describe, expect, it } from 'vitest';
import { BoundaryDecodeError, decode, encode } from './codec.ts';
import { applyWriteBack, ArgumentWatch, frameWriteBack, splitWriteBack } from './write-back.ts';

/** What the caller gets: the callee's arguments encoded and decoded, as they cross. */
const crossed = (list: unknown[]): unknown => decode(encode(list));

describe('applyWriteBack', () => {
  it('updates plain objects and arrays in place, keeping nested identities, deleting removed keys and setting lengths', () => {
    const inner = { n: 1 };
    const list = [1, 2, 3];
    const target = { inner, list, gone: true };
    const copy = structuredClone(target) as Record<string, unknown> & { inner: { n: number }; list: number[] };
    copy.inner.n = 2;
    copy.list.length = 1;
    delete copy.gone;
    copy.added = { fresh: true };
    applyWriteBack([target], crossed([copy]));
    expect(target).toEqual({ inner: { n: 2 }, list: [1], added: { fresh: true } });
    expect(target.inner).toBe(inner);
    expect(target.list).toBe(list);
  });

  it('points shared references and cycles the callee made at the originals they stand for', () => {
    const child = { v: 1 };
    const target: Record<string, unknown> = { child };
    const copy = structuredClone(target) as Record<string, unknown> & { child: object };
    copy.self = copy;
    copy.alias = copy.child;
    copy.wrapped = { inner: copy.child };
    applyWriteBack([target], crossed([copy]));
    expect(target.self).toBe(target);
    expect(target.alias).toBe(child);
    expect((target.wrapped as { inner: unknown }).inner).toBe(child);
  });

  it('never touches __proto__, accessors, non-writable properties, frozen objects or class instances', () => {
    class Settings { level = 1; }
    const settings = new Settings();
    const frozen = Object.freeze({ n: 1 });
    const target = Object.defineProperties({ settings, frozen } as Record<string, unknown>, {
      computed: { get: () => 'getter', enumerable: true, configurable: true },
      fixed: { value: 'fixed', enumerable: true, writable: false, configurable: false },
    });
    const forged = JSON.parse('[{"__proto__":{"polluted":true},"settings":{"level":99},"frozen":{"n":2},"computed":"x","fixed":"y"}]');
    applyWriteBack([target], decode(JSON.stringify(forged)));
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(target.settings).toBe(settings);
    expect(settings.level).toBe(1);
    expect(target.frozen).toBe(frozen);
    expect(frozen.n).toBe(1);
    expect(Object.getOwnPropertyDescriptor(target, 'computed')!.get).toBeTypeOf('function');
    expect(target.fixed).toBe('fixed');
  });

  it('refuses a write-back that is not a list', () => {
    expect(() => applyWriteBack([{}], { 0: {} })).toThrow(BoundaryDecodeError);
  });
});

describe('write-back frames', () => {
  it('split what frameWriteBack joined, and pass a reply without one through', () => {
    expect(splitWriteBack(frameWriteBack('0"ok"', '[{"a":1}]'))).toEqual({ writeBack: '[{"a":1}]', reply: '0"ok"' });
    expect(splitWriteBack('0"ok"')).toEqual({ writeBack: undefined, reply: '0"ok"' });
  });

  it('refuse a bad length or a length past the end', () => {
    for (const bad of ['W:x0', 'Wx:0', 'W99:[]0', `W${'9'.repeat(20)}:0`, 'W-1:0']) expect(() => splitWriteBack(bad), bad).toThrow(BoundaryDecodeError);
  });
});

describe('ArgumentWatch', () => {
  it('sees a change to plain JSON arguments, and none when they are only read', () => {
    const text = '[{"a":[1]}]';
    const list = JSON.parse(text) as [{ a: number[] }];
    const watch = new ArgumentWatch(list, text, true);
    expect(watch.changed()).toBe(false);
    list[0].a.push(2);
    expect(watch.changed()).toBe(true);
  });

  it('sees a cycle added to plain JSON arguments', () => {
    const list = [{}] as [Record<string, unknown>];
    const watch = new ArgumentWatch(list, '[{}]', true);
    list[0].self = list[0];
    expect(watch.changed()).toBe(true);
  });

  it('compares tagged arguments with a snapshot: a replaced function shows, a called one does not', () => {
    const fn = () => 1;
    const list = [{ fn, when: new Date(0) }] as [{ fn: () => number; when: Date }];
    const watch = new ArgumentWatch(list, '', false);
    list[0].fn();
    expect(watch.changed()).toBe(false);
    list[0].fn = () => 2;
    expect(watch.changed()).toBe(true);
  });
});
