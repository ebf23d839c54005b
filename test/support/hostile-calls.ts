import fc from 'fast-check';

/**
 * Calls of the raw host imports (packages/compiler/src/world.ts) with hostile arguments, for the fuzz test.
 * `args` hold what the WIT types allow (what a component can really send); `wrongTypes` calls carry anything
 * at all, which only a caller inside the host process could pass.
 */
export interface HostCall {
  iface: 'boundary' | 'console' | 'clock' | 'random' | 'env' | 'fs' | 'net' | 'intl';
  fn: string;
  args: unknown[];
  wrongTypes?: true;
}

/** The functions of each interface and whether a failure has a result channel (`result<_, string>`). */
export const SIGNATURES: Record<HostCall['iface'], Record<string, { result: boolean }>> = {
  boundary: { reportDenial: { result: false }, invokeCallback: { result: false }, settle: { result: false }, releaseCallbacks: { result: false } },
  console: { write: { result: false } },
  clock: { now: { result: false }, monotonic: { result: false } },
  random: { fill: { result: false } },
  env: { get: { result: false }, names: { result: false } },
  fs: { readFile: { result: true }, writeFile: { result: true }, stat: { result: true }, readdir: { result: true }, mkdir: { result: true }, rm: { result: true } },
  net: { request: { result: true } },
  intl: { call: { result: false } },
};

/** Largest `random.fill` the host serves; above it the call fails (and traps the caller's own instance). */
export const RANDOM_LIMIT = 65536;

const ESCAPES = ['\u0000', '\r', '\n', '\u001b[2K', '\u001b]52;c;ZXZpbA==\u0007', '\u009b2K', '\u0008', '\u007f', '\u202e', '\u2028', '%s%c%o', '"', '\\', '\ud800', '\udfff'];
const PATHS = ['', '.', '..', '/', '/project', '/project/..', '/project/../..', 'data', 'data/ok.txt', 'data/link-out', 'data/../secret.txt', 'out', 'out/new.txt', 'out/../secret.txt', '../../../../etc/passwd', '/etc/passwd', '/proc/self/environ', '/proc/self/mem', '/proc/self/fd/0', '~/.ssh/id_rsa', 'file:///etc/passwd', '\\\\server\\share', 'C:\\Windows', '**', '{data,secret.txt}', '!(x)', 'data/[a]'];
const NAMES = ['FUZZ_NAME', 'API_URL', 'AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY\u0000_URL', 'AWS_SECRET_ACCESS_KEY=_URL', '=_URL', '_URL', 'PATH', '__proto__', 'constructor', 'toString', '*', '*_URL'];

/** Short strings of any code point (lone surrogates included), and strings built from known-bad pieces. */
const piece = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.constantFrom(...ESCAPES, ...PATHS, ...NAMES));
function hostileStringUpTo(huge: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: Math.min(10_000, huge), max: huge }), piece).map(([n, p]) => `${p}${'A'.repeat(n)}${p}`) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
  );
}
export const hostileString = hostileStringUpTo(1_000_000);
const u32 = fc.oneof(fc.constantFrom(0, 1, 2, 0x7fffffff, 0xffffffff), fc.nat({ max: 0xffffffff }));

/** A guest request for isolate:guest/net: valid JSON of hostile fields, or no JSON at all. */
function netRequest(grantedPort: number, hostileString: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const url = fc.oneof(
    fc.constantFrom(`http://127.0.0.1:${grantedPort}/`, `http://127.0.0.1:${grantedPort}/\u0000`, 'http://example.invalid/', 'file:///etc/passwd', 'ftp://127.0.0.1/', 'http://[::1]:1/', 'http://0x7f.1/', 'not a url', ''),
    hostileString.map((path) => `http://127.0.0.1:${grantedPort}/${path}`),
  );
  const header = fc.tuple(fc.oneof(fc.constantFrom('host', 'content-length', 'transfer-encoding', 'x-a'), hostileString), hostileString);
  const request = fc.record(
    { url: fc.oneof(url, fc.anything()), method: fc.oneof(fc.constantFrom('GET', 'POST', 'CONNECT', 'TRACE', ''), hostileString, fc.anything()), headers: fc.oneof(fc.array(header, { maxLength: 4 }), fc.anything()), body: fc.oneof(fc.base64String({ maxLength: 64 }), hostileString, fc.anything()) },
    { requiredKeys: [] },
  );
  return fc.oneof({ weight: 4, arbitrary: request.map((r) => JSON.stringify(r) ?? 'null') }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null') });
}

const INTL_SERVICES = ['DateTimeFormat', 'NumberFormat', 'Collator', 'PluralRules', 'RelativeTimeFormat', 'ListFormat', 'DisplayNames', 'Segmenter', 'Locale', 'constructor', '__proto__'];
const INTL_METHODS = ['format', 'formatToParts', 'formatRange', 'formatRangeToParts', 'compare', 'select', 'selectRange', 'of', 'segment', 'resolvedOptions', 'supportedLocalesOf', 'constructor', '__proto__', 'toString'];
const INTL_BUILTINS = ['Date.toLocaleString', 'Number.toLocaleString', 'BigInt.toLocaleString', 'String.localeCompare', 'String.toLocaleUpperCase', 'String.normalize', 'Intl.getCanonicalLocales', 'Intl.supportedValuesOf', 'Object.constructor', 'eval'];
const INTL_OPTIONS = ['timeZone', 'locale', 'currency', 'style', 'unit', 'type', 'granularity', 'maximumFractionDigits', 'minimumIntegerDigits', 'roundingIncrement', 'calendar', 'numberingSystem', 'hourCycle', 'dateStyle', '__proto__', 'constructor'];

/**
 * A request for isolate:guest/intl: known services, methods and options with hostile values, tagged numbers,
 * costly inputs (scaled by `huge`, as the other strings are), or no JSON at all.
 */
function intlRequest(hostileString: fc.Arbitrary<string>, huge: number): fc.Arbitrary<string> {
  const scale = Math.min(1, huge / 1_000_000);
  // Names get short hostile strings (the long ones go in values): a request costs about what the other calls do.
  const name = (known: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: piece });
  const value = fc.oneof(hostileString, fc.double(), fc.constantFrom('NaN', 'Infinity', '-0', 'UTC', 'Etc/GMT+99', 'Mars/Base', 'EUR', 'kilometer-per-hour', 'u-ca-hebrew', 'x'.repeat(300)), fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 2 }));
  const locales = fc.oneof(fc.constant(null), fc.array(fc.oneof(fc.constantFrom('en-US', 'de', 'ar-EG-u-nu-arab', 'x-private', 'root', 'en_US', ''), piece), { maxLength: 40 }), fc.array(hostileString, { maxLength: 2 }), fc.anything({ maxDepth: 2 }));
  const options = fc.oneof(fc.dictionary(name(INTL_OPTIONS), value, { maxKeys: 5 }), fc.anything({ maxDepth: 2 }));
  const argument = fc.oneof(
    value,
    fc.integer({ min: 0, max: 2_000 }).map((n) => ({ bigint: '9'.repeat(n) })),
    fc.constantFrom({ decimal: '1e999999999' }, { decimal: '-1e-999999999' }, { decimal: 'abc' }, { bigint: '-0x1' }, { decimal: '9'.repeat(2000) }),
    fc.integer({ min: 0, max: Math.ceil(20_000 * scale) }).map((n) => Array.from({ length: n }, (_, i) => `item${i}`)),
    fc.constantFrom('\ufdfa'.repeat(50_000 * scale), 'e\u0301'.repeat(100_000 * scale), '👨‍👩‍👧'.repeat(30_000 * scale)),
  );
  const request = fc.record(
    { service: name(INTL_SERVICES), builtin: name(INTL_BUILTINS), method: name(INTL_METHODS), locales, options, args: fc.oneof(fc.array(argument, { maxLength: 3 }), fc.anything({ maxDepth: 2 })) },
    { requiredKeys: [] },
  );
  return fc.oneof({ weight: 6, arbitrary: request.map((r) => JSON.stringify(r) ?? 'null') }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null') });
}

/**
 * Every host import with arguments of its WIT types. `grantedPort` is the one net port the grant names.
 * `knownCapabilities` keeps report-denial to the capability names the guest runtime uses.
 */
export function witCall(grantedPort: number, options: { knownCapabilities?: boolean; hugeString?: number } = {}): fc.Arbitrary<HostCall> {
  const hostileString = hostileStringUpTo(options.hugeString ?? 1_000_000);
  const known = fc.constantFrom('env', 'fs.read', 'fs.write', 'net', 'random', 'child_process', 'process');
  const call = (iface: HostCall['iface'], fn: string, args: fc.Arbitrary<unknown[]>) => args.map((a): HostCall => ({ iface, fn, args: a }));
  const path = fc.oneof(fc.constantFrom(...PATHS), hostileString, fc.tuple(fc.constantFrom('data/', 'out/', '/project/out/'), hostileString).map(([a, b]) => a + b));
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 2_000_000 }).map((n) => new Uint8Array(n)));
  return fc.oneof(
    call('boundary', 'reportDenial', fc.tuple(options.knownCapabilities ? known : fc.oneof(known, hostileString), hostileString)),
    call('boundary', 'invokeCallback', fc.tuple(u32, hostileString)),
    call('boundary', 'settle', fc.tuple(u32, hostileString)),
    call('boundary', 'releaseCallbacks', fc.array(u32, { maxLength: 9 }).map((ids) => [new Uint32Array(ids)])),
    call('console', 'write', fc.tuple(fc.oneof(fc.constantFrom('log', 'info', 'warn', 'error', 'debug'), hostileString), hostileString)),
    call('clock', 'now', fc.constant([])),
    call('clock', 'monotonic', fc.constant([])),
    call('random', 'fill', fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.nat({ max: RANDOM_LIMIT }) }, { weight: 1, arbitrary: u32 }))),
    call('env', 'get', fc.tuple(fc.oneof(fc.constantFrom(...NAMES), hostileString))),
    call('env', 'names', fc.constant([])),
    call('fs', 'readFile', fc.tuple(path)),
    call('fs', 'writeFile', fc.tuple(path, bytes, fc.boolean())),
    call('fs', 'stat', fc.tuple(path)),
    call('fs', 'readdir', fc.tuple(path)),
    call('fs', 'mkdir', fc.tuple(path, fc.boolean())),
    call('fs', 'rm', fc.tuple(path, fc.boolean())),
    call('net', 'request', fc.tuple(netRequest(grantedPort, hostileString))),
    call('intl', 'call', fc.tuple(intlRequest(hostileString, options.hugeString ?? 1_000_000))),
  );
}

/** Any function name (known or not) of any interface with arguments of any type and count, deep nesting included. */
export const wrongTypeCall: fc.Arbitrary<HostCall> = fc
  .tuple(
    fc.constantFrom(...(Object.keys(SIGNATURES) as HostCall['iface'][])),
    fc.oneof(fc.constantFrom(...Object.values(SIGNATURES).flatMap((fns) => Object.keys(fns))), fc.constantFrom('__proto__', 'constructor', 'toString')),
    fc.array(fc.oneof(fc.anything({ maxDepth: 3, withBigInt: true, withTypedArray: true, withMap: true, withSet: true, withNullPrototype: true }), fc.integer({ min: 1, max: 10_000 }).map(deepArray)), { maxLength: 4 }),
  )
  .map(([iface, fn, args]) => ({ iface, fn, args, wrongTypes: true }));

function deepArray(depth: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}
