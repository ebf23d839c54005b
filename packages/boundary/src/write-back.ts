/**
 * Write-back: changes the receiving side makes to the plain arguments of a call reach the caller's originals,
 * as they would in Node, where both sides hold the same objects.
 *
 * The receiving side looks at its copies of the arguments after the call. Only if they changed does its reply
 * carry their new encoding, framed in front of the reply as `W<length>:<encoding>`. The caller decodes it like
 * any reply (same handles, same size limit) and `applyWriteBack` merges it into its originals.
 *
 * What the merge may touch (the rules that bound what a guest can do to host objects through it):
 * - only objects reachable from the arguments through own enumerable data properties of plain objects
 *   (prototype Object.prototype or null) and arrays: exactly what the codec copied;
 * - on those, only own data properties: never `__proto__`, never an accessor, never a non-writable or
 *   non-configurable property, never a frozen, sealed or non-extensible object (Node would throw in strict code);
 * - any other object the caller passed (a class instance, Map, Set, function) is never entered, and stays in
 *   place unless the new value is a primitive or a function (then it is replaced, as an assignment would).
 * Nothing is changed until the whole write-back has been decoded, so a malformed or oversized one changes nothing.
 */
import { BoundaryDecodeError, encode, isDataObject, type Encoded, type Handles } from './codec.ts';

const MARK = 'W';
const UNSAFE_KEY = '__proto__';

/** Puts the encoding of changed arguments in front of a reply ("0..." or "1..."). */
export function frameWriteBack(reply: string, writeBack: string | undefined): string {
  return writeBack === undefined ? reply : `${MARK}${writeBack.length}:${writeBack}${reply}`;
}

/** Splits a reply into its write-back (if any) and the reply itself; throws BoundaryDecodeError on a bad frame. */
export function splitWriteBack(reply: string): { reply: string; writeBack: string | undefined } {
  if (reply.charCodeAt(0) !== 87 /* W */) return { reply, writeBack: undefined };
  const colon = reply.indexOf(':');
  const digits = reply.slice(1, colon);
  // At most 15 digits: a safe integer, and the scan for ':' above is the only one.
  if (colon < 2 || colon > 16 || !/^\d+$/.test(digits)) throw new BoundaryDecodeError('bad write-back frame');
  const end = colon + 1 + Number(digits);
  if (end > reply.length) throw new BoundaryDecodeError('write-back frame longer than the reply');
  return { writeBack: reply.slice(colon + 1, end), reply: reply.slice(end) };
}

/** True when the list holds an object or function: only those can be changed by the callee. */
export function mayChange(list: readonly unknown[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if ((typeof item === 'object' && item !== null) || typeof item === 'function') return true;
  }
  return false;
}

/**
 * A text that changes when the list's copied data changes, for comparing before and after a call.
 * Values that are not copied (functions, handles, class instances) stand as a token of their identity, so
 * replacing one shows while calling one does not; nothing is registered with the real handles.
 */
export class ArgumentSnapshot implements Handles {
  private readonly tokens = new Map<object, number>();

  /** `isStandIn`: values that stand for the other side's (host proxies of guest values): never read, only named. */
  constructor(private readonly isStandIn?: (value: object) => boolean) {}

  /** The snapshot text, or undefined when the list cannot be read (a throwing getter): then nothing is written back. */
  of(list: readonly unknown[]): string | undefined {
    try {
      return encode(list, this);
    } catch {
      return undefined;
    }
  }

  send(value: object): Encoded | undefined {
    if (typeof value !== 'function' && isDataObject(value) && !this.isStandIn?.(value)) return undefined;
    let token = this.tokens.get(value);
    if (token === undefined) this.tokens.set(value, (token = this.tokens.size));
    return { $t: 'i', i: token };
  }

  receive(): unknown {
    throw new BoundaryDecodeError('a snapshot is never decoded');
  }
}

/**
 * Whether arguments that arrived as `text` changed during the call. Plain JSON (no tag) is compared as JSON
 * text, natively; tagged arguments against a snapshot taken before the call.
 */
export class ArgumentWatch {
  private readonly snapshot: ArgumentSnapshot | undefined;
  private readonly before: string | undefined;

  constructor(private readonly list: readonly unknown[], private readonly text: string, plain: boolean, isStandIn?: (value: object) => boolean) {
    if (!plain) {
      this.snapshot = new ArgumentSnapshot(isStandIn);
      this.before = this.snapshot.of(list);
    }
  }

  changed(): boolean {
    if (!this.snapshot) {
      try {
        return JSON.stringify(this.list) !== this.text;
      } catch {
        // The arguments arrived as JSON, so they were acyclic: now they are not (or hold a bigint).
        return true;
      }
    }
    return this.before !== undefined && this.snapshot.of(this.list) !== this.before;
  }
}

/** A host or guest object the merge may update in place: a plain object or array that can still be changed. */
function isMergeable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || !Object.isExtensible(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

function isPlainCopy(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

/**
 * Merges the decoded new encoding of a call's arguments into the originals. Same-kind plain objects and
 * arrays are updated in place, so nested identities survive; shared references and cycles in the new value
 * map back to the originals they stand for.
 */
export function applyWriteBack(originals: readonly unknown[], updated: unknown, isStandIn: (value: object) => boolean = () => false): void {
  if (!Array.isArray(updated)) throw new BoundaryDecodeError('the write-back of the arguments is not a list');
  // A stand-in for a value of the other side (a facade member, a proxy) is never entered, changed or replaced:
  // its copy says what the other side's value holds, and is that value's business.
  const pairs = new Map<object, Record<string, unknown>>();
  const claimed = new Set<object>();
  const count = Math.min(originals.length, updated.length);
  for (let i = 0; i < count; i++) pair(originals[i], updated[i], pairs, claimed, isStandIn);
  const fresh = new Set<object>();
  for (const [next, old] of pairs) update(old, next as Record<string, unknown>, pairs, fresh, isStandIn);
}

/** Matches each new plain node to the original it stands for, walking both in parallel (no change yet). */
function pair(old: unknown, next: unknown, pairs: Map<object, Record<string, unknown>>, claimed: Set<object>, isStandIn: (value: object) => boolean): void {
  if (!isMergeable(old) || isStandIn(old) || !isPlainCopy(next) || Array.isArray(old) !== Array.isArray(next) || pairs.has(next)) return;
  // One original, one copy: a second copy claiming the same original (only a forged write-back does that) is ignored.
  if (claimed.has(old)) return;
  claimed.add(old);
  pairs.set(next, old);
  for (const key of Object.keys(next)) {
    if (key === UNSAFE_KEY) continue;
    const descriptor = Object.getOwnPropertyDescriptor(old, key);
    if (descriptor && 'value' in descriptor) pair(descriptor.value, next[key], pairs, claimed, isStandIn);
  }
}

function update(old: Record<string, unknown>, next: Record<string, unknown>, pairs: Map<object, Record<string, unknown>>, fresh: Set<object>, isStandIn: (value: object) => boolean): void {
  if (Array.isArray(old)) {
    const list = next as unknown as unknown[];
    if (old.length !== list.length) (old as unknown[]).length = list.length;
    for (let i = 0; i < list.length; i++) {
      if (!(i in list)) delete old[i];
      else assign(old, String(i), list[i], pairs, fresh, isStandIn);
    }
    return;
  }
  for (const key of Object.keys(old)) {
    if (Object.hasOwn(next, key) || key === UNSAFE_KEY) continue;
    const descriptor = Object.getOwnPropertyDescriptor(old, key)!;
    if ('value' in descriptor && descriptor.configurable) delete old[key];
  }
  for (const key of Object.keys(next)) if (key !== UNSAFE_KEY) assign(old, key, next[key], pairs, fresh, isStandIn);
}

function assign(old: Record<string, unknown>, key: string, value: unknown, pairs: Map<object, Record<string, unknown>>, fresh: Set<object>, isStandIn: (value: object) => boolean): void {
  const descriptor = Object.getOwnPropertyDescriptor(old, key);
  if (descriptor && (!('value' in descriptor) || !descriptor.writable)) return;
  const current = descriptor?.value;
  if (((typeof current === 'object' && current !== null) || typeof current === 'function') && isStandIn(current)) return;
  if (typeof value === 'object' && value !== null) {
    const original = pairs.get(value);
    if (original !== undefined) value = original;
    else if (current === value) return;
    else if (typeof current === 'object' && current !== null && !isMergeable(current)) {
      // A class instance, Map, Date, a frozen object: its copy cannot say whether it was changed or replaced; keep it.
      return;
    } else linkFresh(value, pairs, fresh);
  }
  if (Object.is(current, value) && descriptor) return;
  if (descriptor) old[key] = value;
  else Object.defineProperty(old, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A new object from the callee may refer to copies of originals (`opts.wrapped = { inner: opts.child }`): point it at them. */
function linkFresh(value: object, pairs: Map<object, Record<string, unknown>>, fresh: Set<object>): void {
  if (fresh.has(value) || !isPlainCopy(value)) return;
  fresh.add(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (typeof item !== 'object' || item === null) continue;
    const original = pairs.get(item);
    if (original !== undefined) record[key] = original;
    else linkFresh(item, pairs, fresh);
  }
}
