/**
 * The guest side of the boundary: the component's two exports.
 * - describe(): the export shape of each root module, read once at build time.
 * - call(target, args): one operation (see Op in @isolate-deps/boundary) on a root module member or on a
 *   handle, with decoded args; the result is encoded, with handles for what cannot be copied.
 * Every exception is caught and returned as data: one that escaped would trap the instance for good.
 */
import { decodeMarked, encode, isDataObject, Op, STRING_REPLY, type ExportShape, type Handles } from '@isolate-deps/boundary';
import './environment.ts';
import { beginTurn, nextTimerDelay, runNextTimer } from './scheduler.ts';
import './v8-stack-trace.ts';
import './intl/index.ts';
import { encodeThrown, functionLength, GuestHandles } from './handles.ts';
import { watchArguments, withWriteBack, type WatchedArguments } from './write-back.ts';
import { storedObjectsPending, syncStoredObjects } from './host-object-proxy.ts';
import { running, startRun } from './preinit.ts';

export interface Root {
  specifier: string;
  /** Evaluates the package: at build time only if its top-level code calls no host function (preinit.ts). */
  load: () => unknown;
}

const MAX_DEPTH = 4;
// Function members every function has: not part of a module's shape.
const FUNCTION_BUILTINS = new Set(['length', 'name', 'prototype', 'caller', 'arguments']);

// Reflect.apply is self-hosted JavaScript in SpiderMonkey, so interpreted here: this goes straight to the native
// Function.prototype.apply (about 0.5 µs less per call), bound now so that a package replacing call or apply later
// does not change how its functions are called.
const applyFunction = Function.prototype.call.bind(Function.prototype.apply) as (fn: Function, thisArg: unknown, args: unknown[]) => unknown;

const WELL_KNOWN = new Set<unknown>([Symbol.iterator, Symbol.asyncIterator, Symbol.toPrimitive, Symbol.toStringTag, Symbol.hasInstance]);

export function createServer(roots: Root[]): { call: (target: string, args: string) => string; describe: () => string; loadRoots: () => void } {
  // Every root the app imports is evaluated on first use of any, in order, as Node evaluates them at import:
  // an import kept for its side effect (moment/locale/fr registering itself) then runs. A root that fails to
  // load throws when it is used, as before.
  let loaded: { value?: unknown; error?: unknown }[] | undefined;
  const loadRoots = () =>
    (loaded ??= roots.map((root) => {
      try {
        return { value: root.load() };
      } catch (error) {
        return { error };
      }
    }));
  const rootValue = (index: number): unknown => {
    const root = loadRoots()[index];
    if (!root) throw new Error(`isolate-deps: no root ${index}`);
    if ('error' in root) throw root.error;
    return root.value;
  };

  /** A root module member by path ("0:a.b"), with its parent object (the `this` of a method call). */
  const memberAt = (ref: string): { value: unknown; parent: unknown } => {
    const colon = ref.indexOf(':');
    const path = ref.slice(colon + 1);
    let parent: unknown = undefined;
    let value: unknown = rootValue(Number(ref.slice(0, colon)));
    for (const key of path === '' ? [] : path.split('.')) {
      parent = value;
      value = (value as Record<string, unknown>)[key];
    }
    return { value, parent };
  };

  const handles = new GuestHandles((path) => memberAt(path).value);

  // Where each module function called by path lives (its parent object and key, the function itself read afresh
  // on every call), by the whole target ("c0:parse"): a hit needs no slicing of the target, which costs about 1 µs.
  const members = new Map<string, { parent: unknown; key: string | undefined }>();
  /** Finds and keeps the slot of an Op.apply target by root path; undefined for any other target. */
  const newMemberSlot = (target: string): { parent: unknown; key: string | undefined } | undefined => {
    if (target.charCodeAt(0) !== 99 /* Op.apply */ || target.charCodeAt(1) === 35 /* # */) return undefined;
    const ref = target.slice(1);
    const dot = ref.lastIndexOf('.');
    const colon = ref.indexOf(':');
    const slot = ref.length === colon + 1 ? { parent: undefined, key: undefined } : { parent: dot < 0 ? rootValue(Number(ref.slice(0, colon))) : memberAt(ref.slice(0, dot)).value, key: ref.slice(dot < 0 ? colon + 1 : dot + 1) };
    members.set(target, slot);
    return slot;
  };

  // Guest JavaScript is interpreted (every function call, allocation and string slice costs about 0.1-1 µs): the
  // common call (a module function, plain JSON arguments) runs as little as possible. Each step it skips is one
  // that has nothing to do then.
  function call(target: string, args: string): string {
    if (target === Op.ping) return '0';
    let watched: WatchedArguments | undefined;
    let reply: string;
    try {
      if (!running) startRun();
      beginTurn();
      if (handles.flushDue) handles.flushDroppedCallbacks();
      const slot = args.charCodeAt(0) === 126 /* TAGGED_MARK */ ? undefined : (members.get(target) ?? newMemberSlot(target));
      if (slot !== undefined) {
        const fn = slot.key === undefined ? memberAt(target.slice(1)).value : (slot.parent as Record<string, unknown>)[slot.key];
        if (typeof fn !== 'function') throw new TypeError(`${target.slice(1)} is not a function`);
        const list = JSON.parse(args) as unknown[];
        // JSON makes no functions: only an object among the arguments can be changed by the call (see mayChange).
        for (let i = 0; i < list.length; i++) {
          const item = list[i];
          if (typeof item === 'object' && item !== null) {
            watched = watchArguments(list, args, true);
            break;
          }
        }
        reply = valueReply(applyFunction(fn, slot.parent, list), handles);
      } else {
        const list = decodeMarked(args, handles);
        if (!Array.isArray(list)) throw new TypeError('isolate-deps: arguments must be a list');
        watched = watchArguments(list, args, args.charCodeAt(0) !== 126 /* TAGGED_MARK */);
        reply = valueReply(perform(target[0], target.slice(1), list), handles);
      }
      if (watched !== undefined) reply = withWriteBack(reply, watched, handles);
    } catch (error) {
      reply = withWriteBack(`1${encodeThrown(error, handles)}`, watched, handles);
    }
    // Not in a finally, which costs more here than the check: only an exception escaping the catch skips this, and
    // that traps the instance for good.
    if (storedObjectsPending) syncStoredObjects(true);
    return reply;
  }

  function perform(op: string | undefined, ref: string, args: unknown[]): unknown {
    if (op === Op.release) return handles.release(args);
    if (op === Op.stats) return { ...handles.stats(), nextTimerMs: nextTimerDelay() };
    if (op === Op.timers) return runNextTimer();
    const byPath = !ref.startsWith('#');
    const { value, parent } = byPath ? memberAt(ref) : { value: handles.valueOf(Number(ref.slice(1))), parent: undefined };
    const subject = value as Record<PropertyKey, unknown>;
    switch (op) {
      case Op.apply:
        if (typeof value !== 'function') throw new TypeError(`${ref} is not a function`);
        return byPath ? Reflect.apply(value, parent, args) : Reflect.apply(value, args[0], args.slice(1));
      case Op.applyWith:
        if (typeof value !== 'function') throw new TypeError(`${ref} is not a function`);
        return Reflect.apply(value, args[0], args.slice(1));
      case Op.construct:
        if (typeof value !== 'function') throw new TypeError(`${ref} is not a constructor`);
        return Reflect.construct(value, args);
      case Op.get:
        return subject[propertyKey(args[0])];
      case Op.set:
        subject[propertyKey(args[0])] = args[1];
        return true;
      case Op.has:
        return propertyKey(args[0]) in subject;
      case Op.deleteProperty:
        return delete subject[propertyKey(args[0])];
      case Op.ownKeys:
        return Reflect.ownKeys(subject).filter((key) => typeof key === 'string');
      case Op.describeProperty: {
        const key = propertyKey(args[0]);
        const descriptor = Reflect.getOwnPropertyDescriptor(subject, key);
        return descriptor ? { enumerable: descriptor.enumerable === true, value: subject[key] } : undefined;
      }
      case Op.instanceOf:
        return typeof value === 'function' && typeof args[0] === 'object' && args[0] !== null ? args[0] instanceof value : false;
      default:
        throw new TypeError(`isolate-deps: unknown operation ${JSON.stringify(op)}`);
    }
  }

  function describe(): string {
    try {
      if (!running) startRun();
      const shapes: ExportShape[] = roots.map((_root, index) => shapeOf(rootValue(index), 0, new Set()));
      return `0${JSON.stringify(shapes)}`;
    } catch (error) {
      return `1${encodeThrown(error)}`;
    }
  }

  return { call, describe, loadRoots: () => void loadRoots() };
}

/** A call's reply for its result: a string goes as it is when it can (see STRING_REPLY). */
function valueReply(value: unknown, handles: Handles): string {
  // isWellFormed is ES2024: the guest's engine has it, the project's TypeScript lib does not yet.
  if (typeof value === 'string') return (value as string & { isWellFormed(): boolean }).isWellFormed() ? `${STRING_REPLY}${value}` : `0${JSON.stringify(value)}`;
  return `0${encode(value, handles)}`;
}

function propertyKey(key: unknown): PropertyKey {
  if (typeof key === 'string' || (typeof key === 'symbol' && WELL_KNOWN.has(key))) return key;
  throw new TypeError('isolate-deps: property keys are strings or well-known symbols');
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own keys that make up a module member's shape; for a class, its static methods too. */
function shapeKeys(value: object, depth: number): string[] {
  const keys = Object.keys(value);
  // TypeScript-compiled CommonJS marks itself with a non-enumerable __esModule; interop depends on it.
  if (depth === 0 && Object.hasOwn(value, '__esModule') && !keys.includes('__esModule')) keys.push('__esModule');
  if (typeof value === 'function') {
    for (const key of Object.getOwnPropertyNames(value)) if (!FUNCTION_BUILTINS.has(key) && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

function shapeOf(value: unknown, depth: number, seen: Set<unknown>): ExportShape {
  if (typeof value === 'function' || (typeof value === 'object' && value !== null && isPlainObject(value) && !Array.isArray(value))) {
    const props: Record<string, ExportShape> = {};
    if (depth < MAX_DEPTH && !seen.has(value)) {
      seen.add(value);
      for (const key of shapeKeys(value, depth)) {
        let prop: unknown;
        try {
          prop = (value as Record<string, unknown>)[key];
        } catch {
          continue;
        }
        props[key] = shapeOf(prop, depth + 1, seen);
      }
    }
    return typeof value === 'function' ? { kind: 'function', props, length: functionLength(value) } : { kind: 'object', props };
  }
  // A class instance or another live object: the host reaches it by path, so its methods keep working.
  if (typeof value === 'object' && value !== null && !isDataObject(value)) return { kind: 'live' };
  try {
    return { kind: 'value', value: encode(value) };
  } catch {
    return { kind: 'value', value: encode(undefined) };
  }
}
