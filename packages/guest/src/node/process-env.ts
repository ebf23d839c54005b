/**
 * The guest's `process.env`: a live view over the host's isolate:guest/env, which applies the env grant
 * (a name outside it reads as unset, and the attempt is reported). Writes and deletes made by the package
 * stay in this instance (an overlay over the host's view): the package sees its own writes, as with Node,
 * and the host's environment never changes.
 */
import { get, names } from 'isolate:guest/env';

// undefined marks a name the package deleted.
const overlay = new Map<string, string | undefined>();

const read = (name: string): string | undefined => (overlay.has(name) ? overlay.get(name) : get(name));

function keys(): string[] {
  const all = new Set(names());
  for (const [name, value] of overlay) {
    if (value === undefined) all.delete(name);
    else all.add(name);
  }
  return [...all];
}

export const env = new Proxy({} as Record<string, string>, {
  get(_target, name) {
    if (typeof name !== 'string' || name === 'toJSON') return undefined;
    return read(name);
  },
  has(_target, name) {
    return typeof name === 'string' && read(name) !== undefined;
  },
  set(_target, name, value) {
    // Node turns every value into a string.
    if (typeof name === 'string') overlay.set(name, String(value));
    return true;
  },
  deleteProperty(_target, name) {
    if (typeof name === 'string') overlay.set(name, undefined);
    return true;
  },
  ownKeys() {
    return keys();
  },
  getOwnPropertyDescriptor(_target, name) {
    if (typeof name !== 'string') return undefined;
    const value = read(name);
    return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: true };
  },
});
