import { describe, expect, it } from 'vitest';
import { setUpOrFail } from '../support/setup.ts';
import { buildApp, REPO, runAppAsync, type RunResult } from '../support/app.ts';

/**
 * Intl, the locale methods and String.prototype.normalize inside a component (over the host's Intl, through
 * isolate:guest/intl) against the same probe loaded natively in the same process. The app runs in a zone
 * that is not UTC: the guest must not learn it.
 */
const APP = `
import isolated from 'intl-probe';
import { createRequire } from 'node:module';
const native = createRequire(${JSON.stringify(`${REPO}package.json`)})('intl-probe');
const run = (probe) => ({ shapes: probe.shapes(), behaviour: probe.behaviour(), zone: probe.defaultZone() });
console.log(JSON.stringify({ isolated: run(isolated), native: run(native) }));
`;
const HOST_ZONE = 'America/Los_Angeles';

type Side = { shapes: Record<string, unknown>; behaviour: Record<string, { value?: unknown; threw?: string; message?: string }>; zone: unknown[] };

describe('Intl inside a component', () => {
  let run: RunResult;
  let isolated: Side;
  let native: Side;

  setUpOrFail(async () => {
    const app = await buildApp('intl-conformance', { policy: { packages: { 'intl-probe': { isolate: true } } }, source: APP });
    run = await runAppAsync(app, { TZ: HOST_ZONE });
    expect(run.status, run.stderr).toBe(0);
    ({ isolated, native } = run.result as { isolated: Side; native: Side });
  });

  it('has Node’s Intl: constructors with their names, lengths, prototype members, toStringTag, instanceof and brand checks', () => {
    expect(isolated.shapes).toEqual(native.shapes);
    expect(isolated.shapes.boundFormat).toEqual([true, '', 1, 2]);
  });

  it('formats dates, currencies, units, plurals, relative times, lists and display names, sorts with a Collator and segments text exactly as Node', () => {
    for (const name of Object.keys(native.behaviour)) expect(isolated.behaviour[name], name).toEqual(native.behaviour[name]);
    expect(isolated.behaviour.currency!.value).toContain('1.234.567,89\u00a0€');
  });

  it('throws Node’s RangeError and TypeError, with Node’s message, for a bad locale, zone, option, unit or normalization form', () => {
    const errors = Object.fromEntries(Object.entries(isolated.behaviour).filter(([, r]) => r.threw));
    expect(Object.keys(errors).sort()).toEqual(['canonicalBad', 'currencyMissing', 'dateBadLocale', 'dateBadZone', 'dateConflict', 'dateInvalid', 'displayNamesNoType', 'listNotString', 'localeBad', 'localeMissing', 'normalizeBadForm', 'normalizeNull', 'numberBadDigits', 'relativeBadUnit']);
    expect(errors.normalizeBadForm).toEqual({ threw: 'RangeError', message: 'The normalization form should be one of NFC, NFD, NFKC, NFKD.' });
    expect(errors.dateBadZone).toEqual({ threw: 'RangeError', message: 'Invalid time zone specified: Mars/Olympus_Mons' });
  });

  it('formats in UTC unless a zone is named: the host’s time zone stays on the host', () => {
    expect(native.zone[0]).toBe(HOST_ZONE);
    expect(isolated.zone).toEqual(['UTC', '7/1/2020, 12:00:00 PM', 0, '12 PM']);
  });
});
