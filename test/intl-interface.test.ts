import v8 from 'node:v8';
import vm from 'node:vm';
import { createHostImports } from 'isolate-deps/runtime';
import { describe, expect, it } from 'vitest';

// isolate:guest/intl is imported by every component, whatever its grant, so a hostile package can send it
// anything a string can hold. These are the attacks aimed at it, sent straight to the host's imports object
// (the route a package that subverted its guest environment has); test/compat/intl.test.ts covers fidelity.
const NO_GRANT = { console: false, clock: false, random: false, env: [], fs: { read: [], write: [] }, net: [] };
const intl = () => createHostImports({ packageName: 'hostile', grant: NO_GRANT, root: '/nonexistent', policyFile: 'isolate-deps.policy.json' })['isolate:guest/intl'] as { call: (request: unknown) => string };

type Reply = { ok?: unknown; error?: { name: string; message: string } };
const ask = (provider: ReturnType<typeof intl>, request: unknown): Reply => JSON.parse(provider.call(typeof request === 'string' ? request : JSON.stringify(request))) as Reply;

describe('isolate:guest/intl, called with hostile requests', () => {
  const provider = intl();

  it('answers a well-formed request with the host Intl’s result', () => {
    expect(ask(provider, { service: 'NumberFormat', locales: ['de-DE'], options: { style: 'currency', currency: 'EUR' }, method: 'format', args: [1234.5] })).toEqual({ ok: '1.234,50\u00a0€' });
  });

  it('refuses unknown services, methods and options, prototype names included, before Intl sees them', () => {
    const refused = [
      { service: 'constructor', method: 'format', args: [] },
      { service: '__proto__', method: 'format', args: [] },
      { service: 'Locale', method: 'maximize', args: [] },
      { service: 'Collator', method: 'constructor', args: [] },
      { service: 'Collator', method: 'toString', args: [] },
      { service: 'DateTimeFormat', options: JSON.parse('{"__proto__": {"polluted": true}}'), method: 'format', args: [0] },
      { service: 'NumberFormat', options: { toString: 'x' }, method: 'format', args: [1] },
      { builtin: 'Object.constructor', args: [] },
      { builtin: 'eval', args: ['1'] },
      { builtin: 'hasOwnProperty', args: [] },
    ];
    for (const request of refused) {
      const reply = ask(provider, request);
      expect(reply.error, JSON.stringify(request)).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/^isolate-deps: bad Intl request: /) });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses wrong argument types and counts, objects where primitives go, and malformed tagged numbers', () => {
    const refused = [
      { service: 'DateTimeFormat', method: 'format', args: [] },
      { service: 'DateTimeFormat', method: 'format', args: [{ valueOf: 1 }] },
      { service: 'DateTimeFormat', method: 'format', args: ['2020-01-01'] },
      { service: 'Collator', method: 'compare', args: ['a', 1] },
      { service: 'ListFormat', method: 'format', args: [['a', { toString: 'b' }]] },
      { service: 'NumberFormat', method: 'format', args: [{ bigint: '0x10' }] },
      { service: 'NumberFormat', method: 'format', args: [{ bigint: '9'.repeat(1001) }] },
      { service: 'NumberFormat', options: { currency: { code: 'EUR' } }, method: 'format', args: [1] },
      { service: 'NumberFormat', locales: [{ toString: 'en' }], method: 'format', args: [1] },
      { service: 'NumberFormat', locales: 'en', method: 'format', args: [1] },
    ];
    for (const request of refused) expect(ask(provider, request).error?.message, JSON.stringify(request)).toMatch(/^isolate-deps: bad Intl request: /);
  });

  it('bounds every size: the request, the locale list, option strings and list lengths', () => {
    expect(ask(provider, 'x'.repeat((1 << 20) + 1)).error).toMatchObject({ name: 'RangeError', message: expect.stringContaining('at most 1048576 characters') });
    expect(ask(provider, { service: 'Collator', locales: Array(33).fill('en'), method: 'compare', args: ['a', 'b'] }).error?.name).toBe('TypeError');
    expect(ask(provider, { service: 'DateTimeFormat', options: { timeZone: 'A'.repeat(257) }, method: 'format', args: [0] }).error?.name).toBe('TypeError');
    expect(ask(provider, { service: 'ListFormat', method: 'format', args: [Array(10_001).fill('a')] }).error?.name).toBe('TypeError');
  });

  it('turns every Intl failure into a RangeError or TypeError reply, and anything else into a plain Error, never a throw', () => {
    expect(ask(provider, { service: 'DateTimeFormat', options: { timeZone: 'Mars/Base' }, method: 'format', args: [0] }).error).toEqual({ name: 'RangeError', message: 'Invalid time zone specified: Mars/Base' });
    expect(ask(provider, { builtin: 'String.normalize', args: ['x', 'nfc'] }).error).toEqual({ name: 'RangeError', message: 'The normalization form should be one of NFC, NFD, NFKC, NFKD.' });
    expect(ask(provider, '{"service":').error?.name).toBe('Error');
    expect(ask(provider, '['.repeat(100_000)).error?.name).toBe('Error');
    for (const notAString of [undefined, 1, {}, Symbol.iterator, () => 1]) expect(JSON.parse(provider.call(notAString)).error.name).toBe('TypeError');
  });

  it('answers the costliest inputs within the limits quickly: huge exponents, maximal expansions, long segmentations', () => {
    const started = performance.now();
    expect(ask(provider, { service: 'NumberFormat', method: 'format', args: [{ decimal: '1e999999999' }] }).ok).toBe('∞');
    expect(ask(provider, { service: 'NumberFormat', method: 'format', args: [{ decimal: '-1e-999999999' }] }).ok).toBe('-0');
    // U+FDFA is the longest NFKD expansion (18 code points).
    expect((ask(provider, { builtin: 'String.normalize', args: ['\ufdfa'.repeat(50_000), 'NFKD'] }).ok as string).length).toBe(900_000);
    expect((ask(provider, { service: 'Segmenter', method: 'segment', args: ['👨‍👩‍👧'.repeat(100_000)] }).ok as { lengths: number[] }).lengths.length).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('never formats in the host’s time zone: without a timeZone the guest gets UTC', () => {
    expect(ask(provider, { service: 'DateTimeFormat', method: 'resolvedOptions', args: [] }).ok).toMatchObject({ timeZone: 'UTC' });
    expect(ask(provider, { builtin: 'Date.toLocaleString', locales: ['en-US'], args: [Date.UTC(2020, 6, 1, 12)] }).ok).toBe('7/1/2020, 12:00:00 PM');
    expect(ask(provider, { service: 'DateTimeFormat', options: { timeZone: null }, method: 'format', args: [0] }).error?.message).toBe('Invalid time zone specified: null');
  });

  it('keeps at most 64 host formatters per instance: 20,000 distinct ones leave the heap bounded', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const many = intl();
    const round = (from: number) => {
      for (let i = from; i < from + 10_000; i++) ask(many, { service: 'NumberFormat', options: { style: 'currency', currency: 'EUR', maximumFractionDigits: i % 20, minimumIntegerDigits: 1 + (i % 21) }, locales: [`en-u-nu-latn-x-${i.toString(36)}`], method: 'format', args: [i] });
      gc();
      return process.memoryUsage().heapUsed / 2 ** 20;
    };
    const before = round(0);
    const after = round(10_000);
    expect(after - before).toBeLessThan(16);
  });
});
