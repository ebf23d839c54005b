import { decode, Op, type ExportShape } from '@isolate-deps/boundary';
import { facadeOwner, parameterCount, registerFacadeMember } from './boundary-session.ts';
import { guestProxy } from './guest-proxy.ts';
import type { IsolatedPackage } from './isolated-package.ts';

/**
 * Builds the host-side value of a root module from its shape: functions become host functions that
 * call into the component (sync stays sync; `new` constructs; `instanceof` asks the guest), objects keep
 * their structure, constants are copied, and live objects (class instances) are reached through a proxy.
 */
export function facadeOf(pkg: IsolatedPackage, rootIndex: number, shape: ExportShape): unknown {
  return build(pkg, shape, `${rootIndex}:`, '');
}

function build(pkg: IsolatedPackage, shape: ExportShape, prefix: string, path: string): unknown {
  if (shape.kind === 'value') return decode(shape.value);
  const ref = `${prefix}${path}`;
  const name = path.split('.').pop() ?? '';
  if (shape.kind === 'live') {
    const live = guestProxy('object', name, (op, args) => pkg.call(op + ref, args));
    registerFacadeMember(live, pkg, ref);
    return live;
  }
  const value = (shape.kind === 'function' ? facadeFunction(pkg, ref, name, parameterCount(shape.length)) : {}) as Record<string, unknown>;
  for (const [key, child] of Object.entries(shape.props)) {
    if (key === '__proto__') continue;
    const childPath = path === '' ? key : `${path}.${key}`;
    if (shape.kind === 'function' && child.kind === 'value') {
      // A static field of a class or function can change (Counter.instances): read it from the guest each time.
      Object.defineProperty(value, key, {
        get: () => pkg.call(Op.get + ref, [key]),
        set: (next: unknown) => void pkg.call(Op.set + ref, [key, next]),
        enumerable: true,
        configurable: true,
      });
      continue;
    }
    // __esModule and friends are non-enumerable in real modules; keep that so interop behaves the same.
    Object.defineProperty(value, key, { value: build(pkg, child, prefix, childPath), enumerable: key !== '__esModule', writable: true, configurable: true });
  }
  // A function can gain members after the build looked at it (dayjs.extend(utc) adds dayjs.utc): ask the guest.
  const member =
    shape.kind === 'function'
      ? new Proxy(value, { get: (t, key, receiver) => (typeof key === 'symbol' || key in t ? Reflect.get(t, key, receiver) : pkg.call(Op.get + ref, [key])) })
      : value;
  registerFacadeMember(member, pkg, ref);
  return member;
}

function facadeFunction(pkg: IsolatedPackage, ref: string, name: string, length: number): Function {
  const applyTarget = Op.apply + ref;
  const applyWithTarget = Op.applyWith + ref;
  const constructTarget = Op.construct + ref;
  const instanceOfTarget = Op.instanceOf + ref;
  const fn = function isolated(this: unknown, ...args: unknown[]): unknown {
    if (new.target) return pkg.call(constructTarget, args);
    // A plain object as `this` (fn.call(map), a copy bound to one, as classnames/bind uses) is sent along; any
    // other `this` (none, the module, an emitter calling its listener) means the function's own parent, as before:
    // copying a host emitter or server on every call would be slow, and is the membrane's job.
    if (!isPlainThis(this)) return pkg.call(applyTarget, args);
    return pkg.call(applyWithTarget, [this, ...args]);
  };
  Object.defineProperties(fn, { name: { value: name }, length: { value: length } });
  Object.defineProperty(fn, Symbol.hasInstance, {
    value: (candidate: unknown) => (typeof candidate === 'object' || typeof candidate === 'function') && candidate !== null && pkg.call(instanceOfTarget, [candidate]) === true,
  });
  return fn;
}

/** A plain object that is not a facade member or a module namespace: a `this` the guest function should see. */
function isPlainThis(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || facadeOwner(value) !== undefined) return false;
  if (Object.prototype.toString.call(value) === '[object Module]') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !isNamespaceWrapper(value);
}

// Decided once per object: a `this` on every call of `m.fn()` is the common case, and its shape does not change.
const namespaceWrappers = new WeakMap<object, boolean>();

/**
 * A bundler's stand-in for a module namespace (esbuild's `__toESM`: getters over the module, and `default`
 * holding it): `m.fn()` through one means the function's own module, never a copy of every export.
 */
function isNamespaceWrapper(value: object): boolean {
  let known = namespaceWrappers.get(value);
  if (known === undefined) {
    known = Object.values(Object.getOwnPropertyDescriptors(value)).some((d) => d.get !== undefined || (typeof d.value === 'object' || typeof d.value === 'function') && d.value !== null && facadeOwner(d.value) !== undefined);
    namespaceWrappers.set(value, known);
  }
  return known;
}
