/**
 * JavaScript source of fingerprint(value), for apps that compare native and isolated results: a JSON-able
 * description that spells out what JSON would hide (types, -0, bigint, undefined, identity, prototypes, Buffer).
 */
export const FINGERPRINT_SOURCE = `
function fingerprint(value, seen = new Map()) {
  if (typeof value === 'number') return Object.is(value, -0) ? 'number:-0' : 'number:' + String(value);
  if (typeof value === 'bigint') return 'bigint:' + value;
  if (typeof value === 'undefined') return 'undefined';
  if (typeof value === 'symbol') return 'symbol:' + value.description;
  if (typeof value === 'function') return 'function:' + value.name;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return { ref: seen.get(value) };
  seen.set(value, seen.size);
  const kind = Buffer.isBuffer(value) ? 'Buffer' : Object.prototype.toString.call(value).slice(8, -1);
  if (value instanceof Error) return { kind, class: value.constructor.name, name: value.name, message: value.message, code: value.code, cause: fingerprint(value.cause, seen), errors: value.errors && value.errors.map((e) => fingerprint(e, seen)), hasStack: typeof value.stack === 'string' };
  if (value instanceof Date) return { kind, time: value.getTime() };
  if (value instanceof RegExp) return { kind, text: String(value) };
  if (value instanceof Map) return { kind, entries: [...value].map(([k, v]) => [fingerprint(k, seen), fingerprint(v, seen)]) };
  if (value instanceof Set) return { kind, values: [...value].map((v) => fingerprint(v, seen)) };
  if (value instanceof ArrayBuffer) return { kind, bytes: [...new Uint8Array(value)] };
  if (ArrayBuffer.isView(value)) return { kind, bytes: [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)] };
  const out = { kind, proto: Object.getPrototypeOf(value) === Object.prototype || Array.isArray(value) };
  for (const key of Object.keys(value)) out['.' + key] = fingerprint(value[key], seen);
  return out;
}
`;
