import { Op, type HandleKind } from '@isolate-deps/boundary';

/** Performs one operation (see Op) on the guest value a proxy stands for. */
export type GuestOperation = (op: string, args: unknown[]) => unknown;

// Symbols the guest may answer for; others (Node's inspect hooks, app symbols) are the proxy's own business.
const FORWARDED_SYMBOLS = new Set<PropertyKey>([Symbol.iterator, Symbol.asyncIterator, Symbol.toPrimitive, Symbol.toStringTag]);

/**
 * A host stand-in for a guest value that is not copied: every property read, write, call and `new` is an
 * operation on the guest value. Functions and classes get a function target (callable, constructible, and
 * `instanceof` asks the guest); other objects a plain one.
 */
export function guestProxy(kind: HandleKind, name: string, perform: GuestOperation, length = 0): object {
  const target: object = kind === 'object' ? {} : Object.defineProperties(function () {}, { name: { value: name }, length: { value: length } });
  return new Proxy(target, {
    get: (t, key) => {
      if (typeof key === 'symbol') {
        if (key === Symbol.hasInstance && kind !== 'object') return (value: unknown) => perform(Op.instanceOf, [value]) === true;
        if (!FORWARDED_SYMBOLS.has(key)) return Reflect.get(t, key);
      }
      return perform(Op.get, [key]);
    },
    set: (_t, key, value) => {
      if (typeof key === 'symbol') return false;
      perform(Op.set, [key, value]);
      return true;
    },
    has: (t, key) => (typeof key === 'symbol' ? Reflect.has(t, key) : perform(Op.has, [key]) === true),
    deleteProperty: (_t, key) => typeof key !== 'symbol' && perform(Op.deleteProperty, [key]) === true,
    ownKeys: (t) => {
      const keys = perform(Op.ownKeys, []) as string[];
      // Proxy invariant: the target's non-configurable keys (a function's `prototype`) must be listed.
      for (const key of Reflect.ownKeys(t)) if (!Reflect.getOwnPropertyDescriptor(t, key)!.configurable && !keys.includes(key as string)) keys.push(key as string);
      return keys;
    },
    getOwnPropertyDescriptor: (t, key) => {
      const own = Reflect.getOwnPropertyDescriptor(t, key);
      if (typeof key === 'symbol' || (own && !own.configurable)) return own;
      const described = perform(Op.describeProperty, [key]) as { enumerable: boolean; value: unknown } | undefined;
      return described ? { configurable: true, enumerable: described.enumerable, writable: true, value: described.value } : undefined;
    },
    defineProperty: (_t, key, descriptor) => {
      if (typeof key === 'symbol' || !('value' in descriptor)) return false;
      perform(Op.set, [key, descriptor.value]);
      return true;
    },
    apply: (_t, thisArg, args) => perform(Op.apply, [thisArg, ...args]),
    construct: (_t, args) => perform(Op.construct, args) as object,
  });
}
