/**
 * The guest's stand-in for a live host object ({"$t":"cb","o":kind}): a Proxy whose string-keyed reads,
 * writes, `in`, deletes and own keys are requests to the host, which answers only what the object's allowlist
 * exposes (runtime/src/host-object-membrane.ts). What the host does not answer comes from the stand-in's own
 * prototype, which starts as the guest's Object.prototype and can be changed with Object.setPrototypeOf (express
 * does that to req and res): the change stays on the guest side, the host object keeps its prototype.
 * Symbol-keyed properties and non-configurable definitions stay on the guest side too.
 */

import { isDataObject } from '@isolate-deps/boundary';

/** Sends one request ([op, key?, value?]) about the host object and returns the host's answer. */
export type HostObjectRequest = (request: unknown[]) => unknown;

// Node's ServerResponse#_implicitHeader, answered in the guest: on the host it would call the response's writeHead,
// which a package may have replaced with a guest function (on-headers does), and so re-enter the busy guest.
const RESPONSE_PROTOTYPE: object = {
  _implicitHeader(this: { writeHead(status: unknown): unknown; statusCode: unknown }): void {
    this.writeHead(this.statusCode);
  },
};

/**
 * Objects the guest stored on live host objects during the current call. The host holds a copy, so they are
 * sent again (only where the host still holds the guest's last copy) before the host runs and when the call
 * ends: later changes reach the host, as when cookie-parser deletes the signed cookies from the req.cookies it
 * has just stored.
 */
const storedThisCall = new Map<HostObjectRequest, Map<string, object>>();

/** Whether storedThisCall holds anything: read at the end of every call, where a function call costs more. */
export let storedObjectsPending = false;

/** Sends the objects stored this call again; at the end of the call, forgets them. Never throws. */
export function syncStoredObjects(endOfCall: boolean): void {
  if (storedThisCall.size === 0) return;
  const batches = [...storedThisCall];
  if (endOfCall) {
    storedThisCall.clear();
    storedObjectsPending = false;
  }
  for (const [request, writes] of batches) {
    for (const [key, value] of writes) {
      try {
        request(['u', key, value]);
      } catch {
        // The host refused or the object is gone: the store itself had already succeeded or failed visibly.
      }
    }
  }
}

export function hostObjectProxy(kind: string, request: HostObjectRequest): object {
  let prototype: object | null = kind === 'response' ? RESPONSE_PROTOTYPE : Object.prototype;
  // Objects this stand-in stored, so reading one back gives the same object while the host still holds it.
  const stored = new Map<string, object>();
  const store = (key: string, value: unknown): void => {
    request(['s', key, value]);
    // Only copied values need sending again: a function or class instance crosses as a live handle.
    if (typeof value !== 'object' || value === null || !isDataObject(value)) {
      stored.delete(key);
      return;
    }
    stored.set(key, value);
    let writes = storedThisCall.get(request);
    if (!writes) storedThisCall.set(request, (writes = new Map()));
    writes.set(key, value);
    storedObjectsPending = true;
  };
  // Holds what lives on the guest side only: symbol keys and non-configurable definitions (Proxy invariants).
  const local: object = {};
  const hostOwns = (key: PropertyKey): key is string => typeof key === 'string' && !Object.hasOwn(local, key);
  return new Proxy(local, {
    get(target, key, receiver) {
      if (hostOwns(key)) {
        const answer = request(['g', key]) as unknown[];
        // A second element: the host still holds the copy of what this guest stored there.
        if (answer.length > 1 && stored.has(key)) return stored.get(key);
        if (answer.length > 0) return answer[0];
      } else if (Object.hasOwn(target, key)) {
        return Reflect.get(target, key, receiver);
      }
      return prototype === null ? undefined : Reflect.get(prototype, key, receiver);
    },
    set(target, key, value) {
      if (!hostOwns(key)) return Reflect.set(target, key, value);
      store(key, value);
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
      if (!hostOwns(key) || descriptor.configurable === false) return Reflect.defineProperty(target, key, descriptor) && (typeof key !== 'string' || (store(key, descriptor.value), true));
      store(key, descriptor.value);
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
