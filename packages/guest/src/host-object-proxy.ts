/**
 * The guest's stand-in for a live host object ({"$t":"cb","o":kind}): a Proxy whose string-keyed reads,
 * writes, `in`, deletes and own keys are requests to the host, which answers only what the object's allowlist
 * exposes (runtime/src/host-object-membrane.ts). What the host does not answer comes from the stand-in's own
 * prototype, which starts as the guest's Object.prototype and can be changed with Object.setPrototypeOf (express
 * does that to req and res): the change stays on the guest side, the host object keeps its prototype.
 * Symbol-keyed properties and non-configurable definitions stay on the guest side too.
 */

/** Sends one request ([op, key?, value?]) about the host object and returns the host's answer. */
export type HostObjectRequest = (request: unknown[]) => unknown;

export function hostObjectProxy(request: HostObjectRequest): object {
  let prototype: object | null = Object.prototype;
  // Holds what lives on the guest side only: symbol keys and non-configurable definitions (Proxy invariants).
  const local: object = {};
  const hostOwns = (key: PropertyKey): key is string => typeof key === 'string' && !Object.hasOwn(local, key);
  return new Proxy(local, {
    get(target, key, receiver) {
      if (hostOwns(key)) {
        const answer = request(['g', key]) as unknown[];
        if (answer.length > 0) return answer[0];
      } else if (Object.hasOwn(target, key)) {
        return Reflect.get(target, key, receiver);
      }
      return prototype === null ? undefined : Reflect.get(prototype, key, receiver);
    },
    set(target, key, value) {
      if (!hostOwns(key)) return Reflect.set(target, key, value);
      request(['s', key, value]);
      return true;
    },
    has(target, key) {
      if (hostOwns(key) && request(['h', key]) === true) return true;
      return Reflect.has(target, key) || (prototype !== null && Reflect.has(prototype, key));
    },
    deleteProperty(target, key) {
      if (!hostOwns(key)) return Reflect.deleteProperty(target, key);
      request(['x', key]);
      return true;
    },
    ownKeys(target) {
      return [...(request(['k']) as string[]).filter((key) => !Object.hasOwn(target, key)), ...Reflect.ownKeys(target)];
    },
    getOwnPropertyDescriptor(target, key) {
      if (!hostOwns(key)) return Reflect.getOwnPropertyDescriptor(target, key);
      const answer = request(['d', key]) as unknown[];
      return answer.length > 0 ? { value: answer[0], enumerable: answer[1] === true, writable: true, configurable: true } : undefined;
    },
    defineProperty(target, key, descriptor) {
      // An accessor would run guest code inside the host's reads of its own object.
      if ('get' in descriptor || 'set' in descriptor) throw new TypeError(`isolate-deps: an accessor cannot be defined on a host object ("${String(key)}")`);
      if (!hostOwns(key) || descriptor.configurable === false) return Reflect.defineProperty(target, key, descriptor) && (typeof key !== 'string' || (request(['s', key, descriptor.value]), true));
      request(['s', key, descriptor.value]);
      return true;
    },
    getPrototypeOf: () => prototype,
    setPrototypeOf(_target, next) {
      prototype = next;
      return true;
    },
    preventExtensions: () => false,
  });
}
