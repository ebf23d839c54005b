import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundaryDecodeError, BoundaryLimitError, DEFAULT_MAX_DECODE_LENGTH, decode, encode } from '../packages/boundary/src/index.ts';

const lodash = createRequire(import.meta.url)('lodash') as { merge: (...objects: object[]) => Record<string, unknown> };

// Keys fast-check may pick, without "__proto__" (the decoder drops that key by design; see the pollution tests).
const key = fc.string().filter((k) => k !== '__proto__');
const values = fc.anything({
  key,
  maxDepth: 4,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withBoxedValues: true,
  withNullPrototype: false,
  withObjectString: true,
});

describe('the boundary codec', () => {
  it('round-trips any value made of primitives, boxed primitives, plain objects, arrays, Date, Map, Set and typed arrays', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(decode(encode(value))).toStrictEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('copies a boxed primitive as a boxed primitive, not as its index fields', () => {
    // papaparse's formula escaping calls String() on each cell; an Object('+1+1') cell must still read "+1+1".
    const [text, number, flag] = decode(encode([Object('+1+1'), Object(-0), Object(false)])) as [object, object, object];
    expect(text).toBeInstanceOf(String);
    expect(String(text)).toBe('+1+1');
    expect(Object.is(number.valueOf(), -0)).toBe(true);
    expect(flag.valueOf()).toBe(false);
  });

  it('keeps cycles and shared references', () => {
    const shared = { s: 1 };
    const root: Record<string, unknown> = { a: shared, b: [shared], map: new Map([[shared, shared]]) };
    root.self = root;
    const copy = decode(encode(root)) as typeof root & { self: unknown; a: object; b: object[]; map: Map<object, object> };
    expect(copy.self).toBe(copy);
    expect(copy.b[0]).toBe(copy.a);
    expect([...copy.map][0]).toEqual([copy.a, copy.a]);
  });

  it('never throws anything but BoundaryDecodeError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom('{"$t":', '[{"$t":"r","i":0}]', '{"$t":"map","v":[[1]]}')), (text) => {
        try {
          decode(text);
        } catch (error) {
          expect(error).toBeInstanceOf(BoundaryDecodeError);
          expect((error as BoundaryDecodeError).code).toBe('ERR_ISOLATE_BAD_ENCODING');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but BoundaryDecodeError on JSON with random tags in it, and never pollutes Object.prototype', () => {
    const tag = fc.constantFrom('u', 'num', 'big', 'sym', 'r', 'o', 'date', 're', 'map', 'set', 'ab', 'ta', 'buf', 'box', 'err', 'h', 'cb', 'zz');
    const field = fc.oneof(fc.jsonValue(), fc.integer({ min: -2, max: 5 }), fc.constantFrom('NaN', '-0', 'Float64Array', 'AAE=', '__proto__', 'constructor'));
    const tagged = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), tie('record'), fc.array(tie('node'), { maxLength: 4 })),
      record: fc
        .tuple(tag, fc.dictionary(fc.constantFrom('v', 'i', 'c', 'src', 'flags', 'name', 'message', 'props', 'cause', 'errors', 'g', 'w', 'd', '__proto__', 'constructor'), fc.oneof(field, tie('node')), { maxKeys: 4 }))
        .map(([t, rest]) => ({ ...rest, $t: t })),
    })).node;
    fc.assert(
      fc.property(tagged, (value) => {
        try {
          const decoded = decode(JSON.stringify(value));
          lodash.merge({}, decoded as object);
          Object.assign({}, decoded);
        } catch (error) {
          expect(error).toBeInstanceOf(BoundaryDecodeError);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('0');
      }),
      { numRuns: 2000 },
    );
  });

  it('drops __proto__ keys and keeps constructor/prototype as plain data', () => {
    const decoded = decode('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"a":{"__proto__":{"polluted":1}}}') as Record<string, Record<string, unknown>>;
    expect(Object.keys(decoded)).toEqual(['constructor', 'a']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(decoded.a)).toBe(Object.prototype);
    for (const copy of [Object.assign({}, decoded), { ...decoded }, lodash.merge({}, decoded)]) {
      expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
      expect((copy as Record<string, unknown>).polluted).toBeUndefined();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses text longer than the limit, deep nesting, bad references and handles without a session', () => {
    expect(() => decode('"abcdef"', undefined, { maxLength: 4 })).toThrow(BoundaryLimitError);
    expect(() => decode('['.repeat(5000) + ']'.repeat(5000))).toThrow(BoundaryDecodeError);
    expect(() => decode('[{"$t":"r","i":7}]')).toThrow(BoundaryDecodeError);
    expect(() => decode('{"$t":"h","id":1,"k":"function"}')).toThrow(BoundaryDecodeError);
  });

  it('refuses a reply over the size limit with ERR_ISOLATE_REPLY_TOO_LARGE, naming the sender, before parsing it', () => {
    const text = JSON.stringify(['x'.repeat(DEFAULT_MAX_DECODE_LENGTH)]);
    let caught: unknown;
    try {
      decode(text, undefined, { from: '"some-package"' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BoundaryLimitError);
    expect(caught).toMatchObject({ code: 'ERR_ISOLATE_REPLY_TOO_LARGE', maxLength: DEFAULT_MAX_DECODE_LENGTH });
    expect((caught as Error).message).toContain('"some-package" sent');
  });

  it('decodes an error with 60,000 non-enumerable fields (each one looked up in a set, not a list)', () => {
    const props: Record<string, number> = {};
    const hidden: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      props[`p${i}`] = i;
      hidden.push(`p${i}`);
    }
    const error = decode(JSON.stringify({ $t: 'err', name: 'Error', message: 'many', props: { ...props, shown: 1 }, hidden })) as Error & Record<string, number>;
    expect(Object.keys(error)).toEqual(['shown']);
    expect(error.p59999).toBe(59_999);
  });

  it('carries bigints as hex (linear to convert both ways), negative ones too, and refuses other digits', () => {
    const huge = 7n ** 200_000n;
    expect(decode(encode([huge, -huge, 0n, -1n]))).toEqual([huge, -huge, 0n, -1n]);
    expect(encode(-255n)).toBe('{"$t":"big","v":"-ff"}');
    expect(() => decode('{"$t":"big","v":"12x"}')).toThrow(BoundaryDecodeError);
    expect(() => decode('{"$t":"big","v":"-"}')).toThrow(BoundaryDecodeError);
  });
});
