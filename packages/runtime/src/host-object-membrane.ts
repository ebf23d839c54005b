/**
 * Live host objects: a host object that is not plain data (a stream, `req`/`res`, a class instance, a promise)
 * crosses into a guest as a handle, and the guest's operations on it (read, write, `in`, delete, own keys) come
 * back here through the callback table. What the guest reaches is decided by the object's kind (see
 * host-object-kinds.ts); values read cross under the boundary's usual rules, so another host object is again a
 * handle with its own allowlist, and a method is a host function bound to its object.
 * What a guest writes is remembered per object and key, so it can read its own values back (a function it
 * stored on `res` comes back as that function), even under keys it may not read otherwise.
 */
import { isDataObject } from '@isolate-deps/boundary';
import { allowlistOf, BLOCKED_KEYS, isBasePrototype, kindOf, NEVER_WRITTEN, type HostObjectKind } from './host-object-kinds.ts';

export { kindOf, type HostObjectKind } from './host-object-kinds.ts';

/** Operation letters of a guest's request on a live host object: [op, key?, value?]. */
export const HostObjectOp = { get: 'g', set: 's', update: 'u', has: 'h', deleteProperty: 'x', ownKeys: 'k', describe: 'd' } as const;

/** Whether a host object crosses into a guest as a live handle (functions are callbacks, data is copied). */
export function isLiveHostObject(value: object): boolean {
  return typeof value !== 'function' && !isDataObject(value);
}

type AnyFunction = (...args: unknown[]) => unknown;

/** Values each guest wrote, by object and key. */
const guestWrites = new WeakMap<object, Map<string, unknown>>();
/** Bound methods, one per function and object, so `res.write === res.write` in the guest. */
const boundMethods = new WeakMap<AnyFunction, WeakMap<object, AnyFunction>>();
const kinds = new WeakMap<object, HostObjectKind>();

function cachedKind(object: object): HostObjectKind {
  let kind = kinds.get(object);
  if (kind === undefined) kinds.set(object, (kind = kindOf(object)));
  return kind;
}

/** Performs one guest request on a live host object; the reply crosses back under the boundary's rules. */
export function performOnHostObject(object: object, request: unknown[]): unknown {
  const [op, key, value] = request;
  if (op === HostObjectOp.ownKeys) return ownKeysOf(object);
  if (typeof key !== 'string') throw new TypeError('isolate-deps: a host object is reached by string keys only');
  switch (op) {
    case HostObjectOp.get: {
      const found = readMember(object, key);
      if (!found) return [];
      // Marked when it is still the copy of what the guest stored: the guest then reads its own object back.
      return isObject(found.value) && isDataObject(found.value) && wroteByGuest(object, key, found.value) ? [found.value, 1] : [found.value];
    }
    case HostObjectOp.set:
      writeMember(object, key, value);
      return true;
    case HostObjectOp.update: {
      // The guest's object changed since it stored it: replace the copy, unless the host has replaced it since.
      const current = Reflect.getOwnPropertyDescriptor(object, key);
      if (current && 'value' in current && wroteByGuest(object, key, current.value)) writeMember(object, key, value);
      return true;
    }
    case HostObjectOp.has:
      return readMember(object, key) !== undefined;
    case HostObjectOp.deleteProperty:
      return deleteMember(object, key);
    case HostObjectOp.describe: {
      if (!Object.hasOwn(object, key)) return [];
      const found = readMember(object, key);
      return found ? [found.value, Object.getOwnPropertyDescriptor(object, key)?.enumerable === true] : [];
    }
    default:
      throw new TypeError(`isolate-deps: unknown host object operation ${JSON.stringify(op)}`);
  }
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

function lookup(object: object, key: string): { descriptor: PropertyDescriptor; owner: object } | undefined {
  for (let owner: object | null = object; owner !== null; owner = Object.getPrototypeOf(owner)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(owner, key);
    if (descriptor) return { descriptor, owner };
  }
  return undefined;
}

function wroteByGuest(object: object, key: string, value: unknown): boolean {
  const written = guestWrites.get(object);
  return written !== undefined && written.has(key) && Object.is(written.get(key), value);
}

/** The value the guest sees under `key`, or undefined when the key is absent to it. */
export function readMember(object: object, key: string): { value: unknown } | undefined {
  const found = lookup(object, key);
  if (!found) return undefined;
  const { descriptor, owner } = found;
  if ('value' in descriptor && wroteByGuest(object, key, descriptor.value)) return { value: descriptor.value };
  if (BLOCKED_KEYS.has(key)) return undefined;
  const rules = allowlistOf(cachedKind(object));
  const listed = rules.methods.has(key) || rules.data.has(key);
  // The class-instance rule: own data fields and the methods and getters of the app's classes, none "private" by convention.
  const classMember = !listed && rules.ownClassMembers && !isBasePrototype(owner);
  if (!listed && !classMember) return undefined;
  let value: unknown;
  if (descriptor.get || descriptor.set) {
    // The accessor function itself never crosses: its result does.
    if (classMember && (key.startsWith('_') || owner === object)) return undefined;
    value = descriptor.get ? Reflect.apply(descriptor.get, object, []) : undefined;
  } else {
    value = descriptor.value;
  }
  if (typeof value === 'function') {
    const method = rules.methods.has(key) || (classMember && owner !== object && !key.startsWith('_'));
    return method ? { value: boundMethod(object, key, value as AnyFunction) } : undefined;
  }
  // Underscored fields of app classes are read as data only (a number, a string, a plain record).
  if (classMember && key.startsWith('_') && typeof value === 'object' && value !== null && !isDataObject(value)) return undefined;
  return { value };
}

function writeMember(object: object, key: string, value: unknown): void {
  const kind = cachedKind(object);
  const rules = allowlistOf(kind);
  if (!rules.writable) throw new TypeError(`isolate-deps: a host ${kind} object is read-only to an isolated package (setting "${key}")`);
  if (NEVER_WRITTEN.has(key)) throw new TypeError(`isolate-deps: an isolated package cannot set "${key}" of a host object`);
  const found = lookup(object, key);
  // Host setters run only for the listed data keys (e.g. `req.headers`); an app class's accessor is not the guest's to call.
  if (found && (found.descriptor.get || found.descriptor.set) && !(found.descriptor.set && rules.data.has(key))) {
    throw new TypeError(`isolate-deps: "${key}" of a host object is an accessor an isolated package cannot set`);
  }
  if (!Reflect.set(object, key, value)) throw new TypeError(`isolate-deps: "${key}" of a host object is read-only`);
  let written = guestWrites.get(object);
  if (!written) guestWrites.set(object, (written = new Map()));
  written.set(key, value);
}

function deleteMember(object: object, key: string): boolean {
  // Only what the guest itself added: the host's own fields stay.
  const written = guestWrites.get(object);
  if (!written?.has(key) || !Object.hasOwn(object, key)) return false;
  written.delete(key);
  return Reflect.deleteProperty(object, key);
}

function ownKeysOf(object: object): string[] {
  return Object.keys(object).filter((key) => {
    const found = readMember(object, key);
    return found !== undefined && (typeof found.value !== 'function' || wroteByGuest(object, key, found.value));
  });
}

/** Whether `target` offers `fn` under `key` to a guest (a method moved from one live object to another). */
function offersMethod(target: unknown, key: string, fn: AnyFunction): target is object {
  if (typeof target !== 'object' || target === null || !isLiveHostObject(target)) return false;
  const found = lookup(target, key);
  if (!found || found.descriptor.value !== fn) return false;
  const rules = allowlistOf(cachedKind(target));
  return rules.methods.has(key) || (rules.ownClassMembers && !isBasePrototype(found.owner) && found.owner !== target && !key.startsWith('_'));
}

// Arguments a method must not get from a guest: an error passed to destroy() is emitted on the host, where
// nothing may listen for it, and an unhandled 'error' event ends the process.
const WITHOUT_ARGUMENTS = new Set(['destroy']);

function boundMethod(object: object, key: string, fn: AnyFunction): AnyFunction {
  let perObject = boundMethods.get(fn);
  if (!perObject) boundMethods.set(fn, (perObject = new WeakMap()));
  let bound = perObject.get(object);
  if (!bound) {
    bound = {
      [key](this: unknown, ...args: unknown[]): unknown {
        // Called on its object; `this` may be another live object offering the same method (compression's `_write.call(res)`).
        const self = this === object || !offersMethod(this, key, fn) ? object : this;
        return Reflect.apply(fn, self, WITHOUT_ARGUMENTS.has(key) ? [] : args);
      },
    }[key]!;
    perObject.set(object, bound);
  }
  return bound;
}
