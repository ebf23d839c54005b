/**
 * The compatibility corpus: each package, isolated with nothing granted beyond the defaults (clock, random,
 * console) unless its entry says `allow`, against the same package loaded natively in the same process. A
 * scenario is the body of a function `(m, origin) => result` where `m(specifier)` gives the module (its default
 * export for CommonJS and callable modules, its namespace otherwise) and `origin` is the URL of the test's HTTP
 * server on 127.0.0.1 (see CORPUS_SERVER); it may be async. The app runs every scenario on both sides and the test
 * compares. The app's folder holds CORPUS_FILES, for packages granted fs.
 */
export interface CorpusPackage {
  name: string;
  /** Specifiers the app imports (subpaths included). */
  specifiers: string[];
  scenario: string;
  /** The policy's grant for the package, when its real call needs one (`fs` on `./fixtures/**`, `net` on 127.0.0.1). */
  allow?: Record<string, unknown>;
  /**
   * Capabilities the package's code uses only behind a guard (commander spawns a process for an executable
   * subcommand): acknowledged, so the build isolates it instead of refusing it; each such call is denied.
   */
  reviewed?: string[];
  /**
   * A real call that does not give Node's result isolated yet, and why (with the part of issue 12 that fixes it).
   * It runs on both sides like `scenario`; the test expects the difference and fails once it is gone, so that the
   * call moves into `scenario`.
   */
  knownDifference?: { scenario: string; cause: string };
  /** Why the package cannot run isolated yet: the build must fail with this text instead of misbehaving. */
  unsupported?: string;
}

/** Files written into the corpus app's folder: what the packages granted `fs` read. */
export const CORPUS_FILES: Record<string, string> = {
  'fixtures/app.env': 'PORT=8080\n# a comment\nNAME="corpus app"\nMULTI="line one\\nline two"\nEXPANDED=${PORT}\n',
  'fixtures/docs/readme.md': '# readme\n',
  'fixtures/docs/guide.md': '# guide\n',
  'fixtures/src/index.js': 'export {};\n',
  'fixtures/src/lib/util.js': 'export {};\n',
  'fixtures/src/lib/util.test.js': 'export {};\n',
  'fixtures/.hidden.js': '',
};

const FS_FIXTURES = { fs: { read: ['./fixtures/**'] } };
/** Corpus packages whose real call needs a grant: test/compat/corpus-denials.test.ts runs them without it. */
export const UNGRANTED = ['axios', 'node-fetch', 'dotenv', 'fast-glob'];
const NET_LOCAL = { net: ['127.0.0.1:*'] };

export const CORPUS: CorpusPackage[] = [
  {
    name: 'lodash',
    specifiers: ['lodash', 'lodash/fp'],
    scenario: `const _ = m('lodash'); const fp = m('lodash/fp');
      const users = [{ name: 'b', age: 3 }, { name: 'a', age: 1 }, { name: 'c', age: 3 }];
      // Each call's result is copied on its own, so objects shared between two results are compared by value.
      const own = (value) => JSON.parse(JSON.stringify(value));
      // Functions that change their arguments (write-back): the caller's objects change, nested identities kept.
      const target = { a: { b: 1 } }; const inner = target.a; _.merge(target, { a: { c: 2 } });
      const pulled = [1, 2, 3, 2]; _.pull(pulled, 2);
      const options = { x: 1 }; _.defaults(options, { x: 2, y: 3 });
      const mutated = [target, target.a === inner, pulled, options, _.curry(_.add)(1)(2), _.add.length];
      return [mutated, _.chunk([1, 2, 3, 4, 5, 6, 7], 3), own(_.groupBy(users, 'age')), own(_.sortBy(users, ['age', 'name'])), _.map([1, 2, 3], (x) => x * 2),
        _.kebabCase('Foo Bar_baz'), _.uniq([1, 1, 2, 3, 3]), _.merge({ a: { b: 1 } }, { a: { c: 2 } }), _.cloneDeep({ d: new Date(0), s: new Set([1]) }),
        _.template('hello <%= name %>!')({ name: 'isolate' }), _.debounce(() => 1, 10).cancel === undefined, fp.map((x) => x + 1)([1, 2]), fp.flow(fp.filter((x) => x > 1), fp.sum)([1, 2, 3]),
        _.range(0, 20, 5), _.partition([1, 2, 3, 4], (n) => n % 2), _.get({ a: [{ b: 'deep' }] }, 'a[0].b'), _.isEqual({ a: [1] }, { a: [1] })];`,
  },
  {
    name: 'semver',
    specifiers: ['semver'],
    scenario: `const semver = m('semver');
      const versions = ['1.2.3', '10.0.0', '2.0.0-beta.1', '2.0.0', '1.10.0', '0.0.1'];
      const v = new semver.SemVer('1.2.3-alpha.1');
      return [semver.valid('1.2.3'), semver.valid('nope'), semver.satisfies('1.5.0', '^1.2.0'), semver.sort([...versions]), semver.rsort([...versions]),
        semver.inc('1.2.3', 'minor'), semver.coerce('v2.3').version, semver.maxSatisfying(versions, '<2'), semver.diff('1.2.3', '2.0.0'),
        v.prerelease, v.compare('1.2.3'), v.inc('patch').version, new semver.Range('>=1.2 <2').test('1.9.9'), semver.parse('3.4.5').major, semver.SEMVER_SPEC_VERSION];`,
  },
  {
    name: 'yaml',
    specifiers: ['yaml', 'yaml/util'],
    scenario: `const YAML = m('yaml'); const util = m('yaml/util');
      const doc = YAML.parseDocument('a: 1 # one\\nb: [x, y]\\n');
      doc.set('c', true);
      return [YAML.parse('n: 1\\nlist: [a, b]\\nmap: { k: v }\\ndate: 2020-01-01\\n'), YAML.stringify({ a: [1, 'two', { three: null }] }), doc.toString(), doc.toJS(),
        typeof util.visit, YAML.parse('%YAML 1.2\\n---\\nx: !!str 1\\n'), (() => { try { YAML.parse('a: [oops'); } catch (e) { return [e.name, e.code, e instanceof YAML.YAMLParseError, e instanceof YAML.YAMLError, e instanceof Error]; } })()];`,
  },
  {
    name: 'js-yaml',
    specifiers: ['js-yaml'],
    scenario: `const y = m('js-yaml');
      return [y.load('a: 1\\nb: [2, 3]\\nc: {d: e}'), y.dump({ x: [1, { y: 'z' }], s: 'multi\\nline' }), y.loadAll('---\\na: 1\\n---\\nb: 2\\n'), (() => { try { y.load('a: b: c'); } catch (e) { return e.name; } })()];`,
  },
  {
    name: 'marked',
    specifiers: ['marked'],
    scenario: `const { marked, Marked, lexer } = m('marked');
      const src = '# Title\\n\\n* one\\n* **two**\\n\\n\\\`\\\`\\\`js\\ncode()\\n\\\`\\\`\\\`\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |\\n';
      const seen = [];
      // The hook changes tokens (write-back): the page renders the change, as natively.
      const custom = new Marked({ walkTokens: (token) => { seen.push(token.type); if (token.type === 'em') token.type = 'strong'; if (token.type === 'heading') token.depth = 2; } });
      return [marked.parse(src), lexer('hi *there*').map((t) => t.type), custom.parse('# x\\n\\ny *em*'), seen, marked.parseInline('**b** _i_')];`,
  },
  {
    // marked@18 is ESM-only, and its emphasis rules use Unicode property escapes (\p{P}, \p{S}) that the
    // compiler rewrites into code point ranges: punctuation and symbols next to * and _ exercise them.
    name: 'marked-18',
    specifiers: ['marked-18'],
    scenario: `const { marked, Marked, lexer } = m('marked-18');
      const src = '# Title\\n\\n* one\\n* **two**\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |\\n\\n«*quoted*» and ¡**bold**! x_y_z *€*\\n';
      const seen = [];
      const custom = new Marked({ walkTokens: (token) => { seen.push(token.type); if (token.type === 'em') token.type = 'strong'; } });
      return [marked.parse(src), lexer('hi *there*, «_you_»').map((t) => t.type), custom.parse('# x\\n\\n*¿y?*'), seen, marked.parseInline('**b** _i_ ~~s~~')];`,
  },
  {
    name: 'markdown-it',
    specifiers: ['markdown-it'],
    scenario: `const MarkdownIt = m('markdown-it');
      const md = MarkdownIt({ linkify: true });
      return [md.render('# Hi\\n\\nvisit https://example.com *now*\\n\\n> quote'), md.renderInline('__b__'), md.parse('# h', {}).length];`,
  },
  {
    name: 'ajv',
    specifiers: ['ajv'],
    scenario: `const Ajv = m('ajv').default ?? m('ajv');
      const ajv = new Ajv({ allErrors: true });
      const validate = ajv.compile({ type: 'object', properties: { n: { type: 'integer', minimum: 1 }, s: { type: 'string' } }, required: ['n'], additionalProperties: false });
      const good = validate({ n: 2, s: 'x' });
      const bad = validate({ n: 0, extra: 1 });
      return [good, bad, validate.errors.map((e) => [e.instancePath, e.keyword]), ajv.validate({ type: 'array', items: { type: 'number' } }, [1, 2]), typeof validate];`,
  },
  {
    name: 'zod',
    specifiers: ['zod'],
    scenario: `const { z } = m('zod');
      const User = z.object({ name: z.string().min(2), age: z.number().int().nonnegative(), tags: z.array(z.string()).default([]) });
      const ok = User.safeParse({ name: 'Ann', age: 3 });
      const bad = User.safeParse({ name: 'A', age: -1 });
      return [ok.success, ok.data, bad.success, bad.error.issues.map((i) => [i.path, i.code]), z.enum(['a', 'b']).parse('a'), (() => { try { z.string().parse(1); } catch (e) { return [e.name, e instanceof z.ZodError, e instanceof Error, e.issues.length]; } })()];`,
  },
  {
    name: 'uuid',
    specifiers: ['uuid'],
    scenario: `const { v4, v5, validate, version, NIL, parse, stringify } = m('uuid');
      const id = v4();
      return [validate(id), version(id), v5('hello', v5.URL), NIL, stringify(parse('6ba7b810-9dad-11d1-80b4-00c04fd430c8')), id === v4()];`,
  },
  {
    name: 'nanoid',
    specifiers: ['nanoid'],
    scenario: `const { nanoid, customAlphabet } = m('nanoid');
      const id = nanoid();
      const hex = customAlphabet('0123456789abcdef', 12);
      return [id.length, /^[A-Za-z0-9_-]+$/.test(id), hex().length, /^[0-9a-f]+$/.test(hex()), nanoid(5).length, id === nanoid()];`,
  },
  {
    name: 'dayjs',
    specifiers: ['dayjs', 'dayjs/plugin/utc', 'dayjs/plugin/relativeTime'],
    scenario: `const dayjs = m('dayjs'); dayjs.extend(m('dayjs/plugin/utc')); dayjs.extend(m('dayjs/plugin/relativeTime'));
      const d = dayjs('2020-01-02T03:04:05Z');
      return [d.utc().format('YYYY-MM-DD HH:mm:ss'), d.add(1, 'month').utc().format(), d.isBefore(dayjs('2021-01-01')), dayjs.utc('2020-05-06').format('ddd D MMM'), d.diff(dayjs('2019-12-25T03:04:05Z'), 'day'), d.from(d.add(3, 'day')), dayjs.isDayjs(d), d.valueOf(), d.toISOString()];`,
  },
  {
    // Intl in the guest (isolate:guest/intl): zones, DST, locales, relative time, durations, month names.
    name: 'luxon',
    specifiers: ['luxon'],
    scenario: `const { DateTime, Duration, Interval, Info } = m('luxon');
      const dt = DateTime.fromISO('2020-01-02T03:04:05Z', { zone: 'America/New_York' });
      const paris = (iso) => DateTime.fromISO(iso, { zone: 'Europe/Paris' });
      return [dt.toISO(), dt.toFormat('yyyy LLL dd HH:mm ZZZZ'), dt.toFormat('ZZZZZ'), dt.setLocale('fr').toLocaleString(DateTime.DATETIME_FULL), dt.toLocaleString(DateTime.DATE_HUGE), dt.setZone('Asia/Tokyo').toISO(), dt.offset, dt.zoneName, dt.isInDST,
        DateTime.fromISO('2020-03-08T01:30:00', { zone: 'America/New_York' }).plus({ hours: 1 }).toISO(), paris('2020-07-01T12:00:00').toRelative({ base: paris('2020-07-04T12:00:00') }), paris('2020-07-01T12:00:00').setLocale('de').toRelativeCalendar({ base: paris('2020-07-02T12:00:00') }),
        Duration.fromObject({ hours: 2, minutes: 30 }).toHuman(), Duration.fromObject({ days: 1, hours: 3 }).reconfigure({ locale: 'es' }).toHuman({ listStyle: 'long' }), Info.months('long', { locale: 'de' }), Info.weekdays('short', { locale: 'ja' }), Info.isValidIANAZone('Mars/Olympus'),
        DateTime.fromFormat('12/25/2020 14:30', 'MM/dd/yyyy HH:mm', { zone: 'UTC' }).toISO(), DateTime.fromFormat('25 décembre 2020', 'dd LLLL yyyy', { locale: 'fr', zone: 'UTC' }).toISODate(),
        Interval.fromDateTimes(paris('2020-01-01T00:00:00'), paris('2020-03-01T00:00:00')).length('days'), DateTime.fromISO('2020-01-02', { zone: 'UTC' }).toLocaleString({ weekday: 'long', month: 'long', day: 'numeric', hour: '2-digit', hourCycle: 'h23' })];`,
  },
  {
    // String.prototype.normalize('NFKD') in the guest.
    name: 'slugify',
    specifiers: ['slugify'],
    scenario: `const slugify = m('slugify');
      return [slugify('Crème brûlée à la café', { lower: true }), slugify('Ünïcödé ẞtraße', { locale: 'de' }), slugify('  Hello   World!  ', { strict: true }), slugify('I ♥ Dogs'), slugify('Ærøskøbing Ōsaka', { lower: true, trim: true }), slugify('ｆｕｌｌｗｉｄｔｈ 𝐛𝐨𝐥𝐝'), slugify('e\\u0301tude')];`,
  },
  {
    // Intl.DateTimeFormat with IANA zones (formatToParts, timeZoneName) in the guest.
    name: 'date-fns-tz',
    specifiers: ['date-fns-tz'],
    scenario: `const { formatInTimeZone, fromZonedTime, getTimezoneOffset } = m('date-fns-tz');
      const d = new Date('2020-01-02T03:04:05Z');
      return [formatInTimeZone(d, 'America/New_York', 'yyyy-MM-dd HH:mm:ss zzz'), formatInTimeZone(d, 'Asia/Kolkata', 'yyyy-MM-dd HH:mm:ss XXX (zzzz)'), formatInTimeZone(new Date('2020-07-01T12:00:00Z'), 'Europe/London', 'PPPPpppp'),
        fromZonedTime('2020-01-02 03:04:05', 'Asia/Tokyo').toISOString(), getTimezoneOffset('America/New_York', d), getTimezoneOffset('Australia/Lord_Howe', new Date('2020-07-01T00:00:00Z'))];`,
  },
  {
    // Intl.PluralRules, NumberFormat (currency, compact, percent), ListFormat, RelativeTimeFormat, DateTimeFormat in the guest.
    name: 'i18next',
    specifiers: ['i18next'],
    scenario: `const i18n = m('i18next').createInstance();
      await i18n.init({ lng: 'en', resources: {
        en: { translation: { items_one: '{{count}} item', items_other: '{{count}} items', price: 'Price: {{val, currency(EUR)}}', big: '{{val, number(notation: compact)}}', share: '{{val, number(style: percent)}}', list: 'Buy {{val, list}}', ago: '{{val, relativetime(day)}}', when: 'On {{val, datetime}}' } },
        ar: { translation: { items_zero: 'zero', items_one: 'one', items_two: 'two', items_few: 'few', items_many: 'many', items_other: 'other' } },
        de: { translation: { price: '{{val, currency(EUR)}}', list: '{{val, list(type: disjunction)}}', ago: '{{val, relativetime(quarter)}}' } } } });
      const when = new Date('2020-01-02T03:04:05Z');
      return [i18n.t('items', { count: 1 }), i18n.t('items', { count: 5 }), i18n.t('price', { val: 1234.5 }), i18n.t('big', { val: 1234567 }), i18n.t('share', { val: 0.256 }), i18n.t('list', { val: ['apples', 'pears', 'plums'] }), i18n.t('ago', { val: -3 }),
        i18n.t('when', { val: when, formatParams: { val: { timeZone: 'America/New_York', dateStyle: 'full', timeStyle: 'short' } } }), [0, 1, 2, 3, 11, 100].map((count) => i18n.t('items', { count, lng: 'ar' })),
        i18n.t('price', { val: 1234.5, lng: 'de' }), i18n.t('list', { val: ['Äpfel', 'Birnen'], lng: 'de' }), i18n.t('ago', { val: 2, lng: 'de' })];`,
  },
  {
    // String.prototype.localeCompare (the host's collation) sorting in the guest.
    name: 'match-sorter',
    specifiers: ['match-sorter'],
    scenario: `const { matchSorter, rankings } = m('match-sorter');
      const words = ['zebra', 'Äpfel', 'apple', 'Apple', 'éclair', 'eclair', 'Zürich', 'zucchini', 'ábaco', 'abacus'];
      return [matchSorter(words, ''), matchSorter(words, 'a'), matchSorter(words, 'ecl'), matchSorter(['résumé', 'resume', 'RESUME'], 'resume', { threshold: rankings.CONTAINS })];`,
  },
  {
    name: 'date-fns',
    specifiers: ['date-fns', 'date-fns/format'],
    scenario: `const { addDays, differenceInCalendarDays, formatISO, parseISO, isValid, eachDayOfInterval } = m('date-fns'); const { format } = m('date-fns/format');
      const d = parseISO('2020-02-28T12:00:00Z');
      return [formatISO(addDays(d, 2), { representation: 'date' }), differenceInCalendarDays(parseISO('2020-03-10'), parseISO('2020-03-01')), format(parseISO('2021-07-04'), 'yyyy/MM/dd EEE'), isValid(new Date('x')), eachDayOfInterval({ start: parseISO('2020-01-01'), end: parseISO('2020-01-03') }).length, addDays(d, 1)];`,
  },
  {
    name: 'qs',
    specifiers: ['qs'],
    scenario: `const qs = m('qs');
      return [qs.parse('a[b]=c&d=1&e[]=x&e[]=y&__proto__[p]=1'), qs.stringify({ a: { b: 'c' }, d: [1, 2] }), qs.stringify({ a: 'b c' }, { encode: false }), qs.parse('a.b=c', { allowDots: true })];`,
  },
  { name: 'ms', specifiers: ['ms'], scenario: `const ms = m('ms'); return [ms('2 days'), ms('1h'), ms(60000), ms(60000, { long: true }), ms('nope')];` },
  { name: 'minimist', specifiers: ['minimist'], scenario: `const minimist = m('minimist'); return [minimist(['--a', '1', '-bc', 'x', '--no-d', 'rest', '--', '--e']), minimist(['-n', '5'], { string: ['n'] })];` },
  { name: 'escape-html', specifiers: ['escape-html'], scenario: `const escape = m('escape-html'); return [escape('<a href="x">Tom & \\'Jerry\\'</a>'), escape('plain')];` },
  {
    name: 'validator',
    specifiers: ['validator'],
    scenario: `const v = m('validator');
      return [v.isEmail('a@b.co'), v.isEmail('nope'), v.isURL('https://example.com/x?y=1'), v.isUUID('6ba7b810-9dad-11d1-80b4-00c04fd430c8'), v.normalizeEmail('Foo.Bar@Gmail.com'), v.isIP('10.0.0.1'), v.escape('<b>'), v.isCreditCard('4111111111111111'), v.isISO8601('2020-01-01T00:00:00Z')];`,
  },
  {
    name: 'diff',
    specifiers: ['diff'],
    scenario: `const d = m('diff');
      return [d.diffLines('a\\nb\\nc\\n', 'a\\nB\\nc\\n'), d.createTwoFilesPatch('a.txt', 'b.txt', 'one\\ntwo\\n', 'one\\n2\\n', '', ''), d.diffWords('hello big world', 'hello small world').map((p) => [p.value, !!p.added, !!p.removed])];`,
  },
  {
    name: 'fast-xml-parser',
    specifiers: ['fast-xml-parser'],
    scenario: `const { XMLParser, XMLBuilder, XMLValidator } = m('fast-xml-parser');
      const xml = '<root a="1"><item>x</item><item>y</item><n>5</n></root>';
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml);
      return [parsed, new XMLBuilder({ ignoreAttributes: false }).build(parsed), XMLValidator.validate(xml), XMLValidator.validate('<a><b></a>')];`,
  },
  {
    name: 'handlebars',
    specifiers: ['handlebars'],
    scenario: `const Handlebars = m('handlebars');
      const hb = Handlebars.create();
      hb.registerHelper('shout', (text) => String(text).toUpperCase() + '!');
      const template = hb.compile('Hi {{name}} {{shout name}} {{#each items}}[{{this}}]{{/each}} {{{raw}}} {{esc}}');
      return [template({ name: 'ann', items: [1, 2], raw: '<b>', esc: '<i>' }), Handlebars.compile('{{#if ok}}yes{{else}}no{{/if}}')({ ok: false })];`,
  },
  {
    name: 'mustache',
    specifiers: ['mustache'],
    scenario: `const Mustache = m('mustache');
      return [Mustache.render('Hi {{name}} {{#list}}<{{.}}>{{/list}} {{&html}}', { name: 'Bo', list: [1, 2], html: '<b>' }), Mustache.render('{{>p}}', { x: 1 }, { p: 'partial {{x}}' })];`,
  },
  {
    name: 'papaparse',
    specifiers: ['papaparse'],
    scenario: `const Papa = m('papaparse');
      const parsed = Papa.parse('a,b\\n1,"two, three"\\n4,5', { header: true, dynamicTyping: true });
      return [parsed.data, parsed.errors, parsed.meta.fields, Papa.unparse([{ x: 1, y: 'q"q' }, { x: 2, y: 'z' }])];`,
  },
  {
    name: 'sanitize-html',
    specifiers: ['sanitize-html'],
    scenario: `const sanitize = m('sanitize-html');
      return [sanitize('<script>alert(1)</script><b onclick="x()">bold</b><a href="javascript:evil()">l</a><img src="x.png">'), sanitize('<p class="c">t</p>', { allowedAttributes: { p: ['class'] } })];`,
  },
  {
    name: 'chalk',
    specifiers: ['chalk'],
    scenario: `const { Chalk } = m('chalk');
      const chalk = new Chalk({ level: 1 });
      return [chalk.red('red'), chalk.bold.underline('b'), chalk.level, new Chalk({ level: 0 }).green('plain')];`,
  },
  {
    name: 'cookie',
    specifiers: ['cookie'],
    scenario: `const c = m('cookie');
      return [c.parseCookie('a=1; b=two%20words; c="q"'), c.stringifySetCookie({ name: 'sid', value: 'x y', httpOnly: true, maxAge: 60, sameSite: 'lax' }), c.parseSetCookie('id=5; Path=/; Secure')];`,
  },
  {
    // yargs@18 is ESM-only: it reads import.meta.url and calls createRequire() while loading, and string-width
    // uses `v`-flag patterns with properties of strings (\p{RGI_Emoji}).
    name: 'yargs',
    specifiers: ['yargs'],
    scenario: `const yargs = m('yargs');
      const argv = yargs(['--name', 'ann', '-v', '--count', '3', 'extra', '--no-color', '--tags', 'a', '--tags', 'b']).option('count', { type: 'number' }).option('v', { type: 'boolean' }).option('tags', { type: 'array' }).exitProcess(false).parseSync();
      const failed = [];
      yargs(['--n', 'x']).option('n', { type: 'number' }).strict().exitProcess(false).fail((msg) => failed.push(msg)).parseSync();
      return [argv.name, argv.count, argv.v, argv._, argv.color, argv.tags, failed.length];`,
  },
  {
    name: 'depd',
    specifiers: ['depd'],
    scenario: `const depd = m('depd');
      const deprecate = depd('corpus-app');
      const old = deprecate.function((x) => x * 2, 'old() is deprecated');
      return [typeof deprecate, old(21), typeof deprecate.property];`,
  },
  {
    name: 'bluebird',
    specifiers: ['bluebird'],
    scenario: `const Bluebird = m('bluebird');
      const doubled = await Bluebird.resolve(5).then((x) => x * 2);
      const all = await Bluebird.all([1, Bluebird.resolve(2), 3]);
      const mapped = await Bluebird.map([1, 2, 3], (x) => x + 1);
      const rejected = await Bluebird.reject(new RangeError('no')).catch((e) => [e.name, e.message]);
      return [doubled, all, mapped, rejected];`,
  },
  {
    // The main entry adds fromURL over undici, which imports node:sqlite (newer than Node 20): it resolves to a
    // stand-in that refuses when used. The slim entry is the same parser and API without undici.
    name: 'cheerio',
    specifiers: ['cheerio/slim', 'cheerio'],
    scenario: `const slim = m('cheerio/slim'); const cheerio = m('cheerio');
      const $ = slim.load('<ul id="l"><li class="a">one</li><li>two</li></ul><!-- c -->');
      const $$ = cheerio.load('<div><p class="x">para</p><p>two</p></div>');
      return [$('li').length, $('li.a').text(), $('#l').children().toArray().map((el) => $(el).text()), $.html('li.a'), $$('p').length, $$('p.x').text(), typeof cheerio.fromURL];`,
  },
  {
    // Over jws/jwa: crypto's HMAC, and require('stream') as a constructor for util.inherits.
    name: 'jsonwebtoken',
    specifiers: ['jsonwebtoken'],
    scenario: `const jwt = m('jsonwebtoken');
      const token = jwt.sign({ sub: 'u1', iat: 1700000000, scope: ['a', 'b'] }, 'shared-secret', { algorithm: 'HS256', expiresIn: 60 });
      const wrong = (() => { try { jwt.verify(token, 'other-secret', { clockTimestamp: 1700000001 }); } catch (e) { return [e.name, e.message, e instanceof jwt.JsonWebTokenError, e instanceof jwt.TokenExpiredError]; } })();
      const expired = (() => { try { jwt.verify(token, 'shared-secret', { clockTimestamp: 1800000000 }); } catch (e) { return [e.name, e.message, e instanceof jwt.TokenExpiredError, e instanceof jwt.JsonWebTokenError, e instanceof Error]; } })();
      return [token, jwt.verify(token, 'shared-secret', { clockTimestamp: 1700000001 }), jwt.decode(token, { complete: true }), wrong, expired];`,
  },
  {
    // The destination is an object whose write() is a host function: pino writes each line to it.
    name: 'pino',
    specifiers: ['pino'],
    scenario: `const pino = m('pino');
      const lines = [];
      const logger = pino({ base: null, timestamp: false, level: 'debug' }, { write: (line) => { lines.push(line); } });
      logger.info({ user: 'ann', n: 1 }, 'hello %s', 'world');
      logger.child({ request: 7 }).warn('child line');
      logger.debug('debug line');
      logger.trace('not written');
      return [lines, logger.level, typeof pino.destination, pino.levels.values];`,
  },
  {
    name: 'winston',
    specifiers: ['winston'],
    // Not compared: format.splat() on an info object built by the app, whose arguments sit under a symbol key,
    // which the boundary does not copy into the guest.
    scenario: `const winston = m('winston');
      const { combine, label, json, printf, timestamp } = winston.format;
      const seen = [];
      const format = combine(label({ label: 'app' }), timestamp({ format: () => 'T0' }), printf((info) => { seen.push([info.level, info.message, info.label, info.timestamp]); return info.label + ': ' + info.message; }));
      const info = format.transform({ level: 'info', message: 'hello' });
      const asJson = json().transform({ level: 'warn', message: 'w', n: 1 }, {});
      const logger = winston.createLogger({ level: 'debug', transports: [new winston.transports.Console({ silent: true })] });
      return [seen, info.message, info.label, asJson.level, typeof logger.info, logger.level, Object.keys(winston.config.npm.levels)];`,
  },
  {
    // A client needs the net grant; a frame is built by pure code.
    name: 'ws',
    specifiers: ['ws'],
    scenario: `const WebSocket = m('ws');
      const frame = WebSocket.Sender.frame(Buffer.from('hello'), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false });
      return [typeof WebSocket, WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSED, typeof WebSocket.WebSocketServer, typeof WebSocket.createWebSocketStream, frame.map((b) => [...b])];`,
  },
  {
    name: 'xml2js',
    specifiers: ['xml2js'],
    scenario: `const xml2js = m('xml2js');
      const parsed = await xml2js.parseStringPromise('<root a="1"><item>one</item><item>two</item><empty/></root>');
      const explicit = await new xml2js.Parser({ explicitArray: false, mergeAttrs: true }).parseStringPromise('<r x="y"><v>1</v></r>');
      return [parsed, explicit, new xml2js.Builder({ headless: true }).buildObject({ root: { $: { id: 3 }, child: ['a', 'b'] } })];`,
  },
  {
    name: 'lru-cache',
    specifiers: ['lru-cache'],
    scenario: `const { LRUCache } = m('lru-cache');
      const cache = new LRUCache({ max: 2 });
      cache.set('a', 1); cache.set('b', 2); cache.get('a'); cache.set('c', 3);
      const sized = new LRUCache({ maxSize: 10, sizeCalculation: (v) => v.length });
      sized.set('x', 'abcdef'); sized.set('y', 'ghijkl');
      return [cache.has('b'), cache.get('a'), [...cache.keys()], cache.size, [...sized.keys()], sized.calculatedSize];`,
  },
  {
    // Loads (lru-cache, minimatch, path-scurry); walking the disk needs an fs grant.
    name: 'glob',
    specifiers: ['glob'],
    scenario: `const g = m('glob');
      return [typeof g.glob, typeof g.globSync, typeof g.Glob, g.escape('a*b?[c]'), g.hasMagic('src/**/*.js'), g.hasMagic('plain.txt')];`,
  },
  {
    // %o and %O go through util.inspect; the log function is the app's.
    name: 'debug',
    specifiers: ['debug'],
    scenario: `const debug = m('debug');
      const lines = [];
      const log = debug('corpus:app');
      log.log = (...args) => { lines.push(args.map(String).join(' ').replace(/^\\S+ /, '')); };
      debug.enable('corpus:*');
      log('object %o', { a: [1, 2], nested: { deep: { deeper: true } } });
      log('pretty %O and %j', { b: 'two' }, { c: 3 });
      log('number %d string %s', 42, 'x');
      return [lines, log.enabled, log.namespace];`,
  },
  {
    // yargs@17's CommonJS build reads __dirname while loading.
    name: 'yargs-17',
    specifiers: ['yargs-17'],
    scenario: `const yargs = m('yargs-17');
      const argv = yargs(['--name', 'ann', '-v', '--count', '3', 'extra', '--no-color']).option('count', { type: 'number' }).option('v', { type: 'boolean' }).exitProcess(false).parseSync();
      return [argv.name, argv.count, argv.v, argv._, argv.color];`,
  },
  {
    // Serving needs a listening socket; building the app and a router is pure.
    name: 'express',
    specifiers: ['express'],
    scenario: `const express = m('express');
      const app = express();
      const router = express.Router();
      router.get('/items/:id', () => {});
      router.post('/items', () => {});
      return [typeof app, typeof app.use, typeof router, router.stack.length, typeof express.json, typeof express.static, app.get('env')];`,
  },
  {
    name: 'compression',
    specifiers: ['compression'],
    scenario: `const compression = m('compression');
      return [typeof compression, typeof compression(), typeof compression.filter];`,
  },
  {
    name: 'morgan',
    specifiers: ['morgan'],
    scenario: `const morgan = m('morgan');
      return [typeof morgan, typeof morgan('tiny'), typeof morgan.compile, typeof morgan.token];`,
  },
  {
    // A fixture standing for packages that assemble Unicode property escapes from strings at run time: the
    // engine has no Unicode property data and no build-time rewrite can see such a pattern.
    name: 'runtime-unicode',
    specifiers: ['runtime-unicode'],
    unsupported: 'invalid property name in regular expression',
    scenario: `return m('runtime-unicode').words('héllo wörld');`,
  },
  {
    // Callback-style control flow; the tasks answer later, as tasks doing I/O do.
    name: 'async',
    specifiers: ['async'],
    scenario: `const async = m('async');
      const later = (value) => (cb) => setTimeout(() => cb(null, value), 1);
      const waterfall = await new Promise((resolve) => async.waterfall([later(1), (x, cb) => setTimeout(() => cb(null, x + 1, 'b'), 1), (x, y, cb) => setImmediate(() => cb(null, [x, y]))], (err, result) => resolve([err, result])));
      const parallel = await new Promise((resolve) => async.parallel({ a: later('A'), b: later('B') }, (err, result) => resolve([err, result])));
      const failed = await new Promise((resolve) => async.series([later(1), (cb) => setTimeout(() => cb(new Error('stop')), 1), later(3)], (err, result) => resolve([err.message, result])));
      const mapped = await async.mapLimit([1, 2, 3, 4], 2, (x, cb) => setTimeout(() => cb(null, x * 10), 5 - x));
      const filtered = await async.filterSeries([1, 2, 3, 4], (x, cb) => setImmediate(() => cb(null, x % 2 === 0)));
      const reduced = await async.reduce([1, 2, 3], 0, (sum, x, cb) => setImmediate(() => cb(null, sum + x)));
      const order = [];
      const q = async.queue((task, cb) => { order.push(task); setTimeout(() => cb(null, task.toUpperCase()), 1); }, 1);
      const results = await new Promise((resolve) => { const done = []; q.push(['x', 'y', 'z'], (err, upper) => { done.push(upper); if (done.length === 3) resolve(done); }); });
      const pushed = [results, q.length(), q.idle()];
      let attempts = 0;
      const retried = await async.retry(3, (cb) => setImmediate(() => (++attempts < 3 ? cb(new Error('again')) : cb(null, attempts))));
      return [waterfall, parallel, failed, mapped, filtered, reduced, order, pushed, retried];`,
    knownDifference: {
      cause: "async tells an async function from a callback-taking one by its Symbol.toStringTag, and a host function crosses as a plain function: async passes a callback it never calls, and the call never settles (function handles: issue 12 membranes). A queue is a plain object whose drain/saturated/error members are non-enumerable: it crosses as a copy of its enumerable fields, without them (issue 12 membranes)",
      scenario: `const async = m('async');
        const never = (promise) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('did not settle within 2 s'), 2000))]);
        const q = async.queue((task, cb) => setImmediate(cb), 1);
        return [await never(async.mapLimit([1, 2, 3], 2, async (x) => x * 10)), typeof q.drain, typeof q.error];`,
    },
  },
  {
    // Requests go to the test's server on 127.0.0.1 (granted); creating instances, interceptors, getUri and
    // config merging need no network.
    name: 'axios',
    specifiers: ['axios'],
    allow: NET_LOCAL,
    scenario: `const axios = m('axios');
      const api = axios.create({ baseURL: origin, headers: { 'X-Corpus': 'one' }, params: { v: 2 }, timeout: 5000 });
      const requested = [];
      api.interceptors.request.use((config) => { requested.push([config.method, config.url, config.params]); return config; });
      api.interceptors.response.use((response) => ({ status: response.status, data: response.data }));
      const got = await api.get('/json');
      const type = (await axios.get(origin + '/json')).headers['content-type'];
      const posted = await api.post('/echo', { a: 1, list: ['x'] }, { headers: { 'X-Extra': 'two' } });
      const viaFetch = await api.put('/echo', 'through fetch', { adapter: 'fetch', headers: { 'Content-Type': 'text/plain' } });
      const missing = await axios.get(origin + '/missing').catch((e) => [e.name, e.code, e.message, e.response.status, e.response.data]);
      const merged = axios.mergeConfig({ headers: { common: { a: '1' } }, timeout: 1 }, { headers: { common: { b: '2' } }, timeout: 2 });
      return [got, type, posted, viaFetch, missing, api.getUri({ url: '/users', params: { q: 'a b', list: [1, 2] } }), merged.timeout, merged.headers,
        api.defaults.headers['X-Corpus'], axios.isAxiosError(new axios.AxiosError('x')), axios.VERSION, axios.HttpStatusCode.NotFound, requested];`,
    knownDifference: {
      cause: "an interceptor (a host function) that sets or reads a header reaches axios's AxiosHeaders, a guest object, while axios is still running: the instance cannot be re-entered (ERR_ISOLATE_REENTRANT); issue 12 membranes (changes a host callback makes to a guest object)",
      scenario: `const axios = m('axios');
        const api = axios.create({ baseURL: origin });
        api.interceptors.request.use((config) => { config.headers['X-Intercepted'] = 'yes'; return config; });
        return (await api.get('/echo')).data;`,
    },
  },
  {
    // A fixed salt and cost 4 (the cost factor doubles the work per step; the guest interprets, so 4 keeps it short).
    name: 'bcryptjs',
    specifiers: ['bcryptjs'],
    scenario: `const bcrypt = m('bcryptjs');
      const salt = '$2b$04$abcdefghijklmnopqrstuu';
      const hash = bcrypt.hashSync('hunter2', salt);
      const random = bcrypt.genSaltSync(4);
      const asyncHash = await bcrypt.hash('pw', salt);
      return [hash, bcrypt.compareSync('hunter2', hash), bcrypt.compareSync('wrong', hash), bcrypt.getRounds(hash), bcrypt.getSalt(hash), random.length, random.slice(0, 7), await bcrypt.compare('pw', asyncHash), bcrypt.truncates('x'.repeat(80))];`,
  },
  {
    // A request without a body passes through; parsing a body needs the host's request stream (a live handle).
    name: 'body-parser',
    specifiers: ['body-parser'],
    scenario: `const bodyParser = m('body-parser');
      const calls = [];
      const next = (err) => calls.push(err === undefined ? 'next' : String(err));
      const res = { setHeader() {}, getHeader() {} };
      bodyParser.json()({ method: 'GET', headers: {} }, res, next);
      bodyParser.urlencoded({ extended: false })({ method: 'GET', headers: { 'content-type': 'text/plain' } }, res, next);
      return [calls, typeof bodyParser.json, typeof bodyParser.raw(), typeof bodyParser.text({ type: 'text/*' })];`,
  },
  {
    name: 'classnames',
    specifiers: ['classnames', 'classnames/dedupe', 'classnames/bind'],
    scenario: `const cx = m('classnames'); const dedupe = m('classnames/dedupe'); const bind = m('classnames/bind');
      const styles = bind.bind({ btn: 'btn_x1', active: 'active_y2' });
      return [cx('a', { b: true, c: false }, ['d', { e: 1 }], null, 0, 'f'), dedupe('a', 'b', { a: false }, 'b'), styles('btn', { active: true, missing: true })];`,
  },
  {
    name: 'commander',
    specifiers: ['commander'],
    reviewed: ['child_process'],
    scenario: `const { Command, Option } = m('commander');
      const out = [];
      const ran = [];
      const program = new Command().name('tool').description('a corpus tool').version('1.2.3').exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push('err: ' + s) });
      program.option('-d, --debug', 'debug output').option('-p, --port <number>', 'port', (v) => Number(v), 80).addOption(new Option('-m, --mode <mode>').choices(['a', 'b']).default('a'));
      program.command('serve <dir>').option('--open').action((dir, options) => { ran.push([dir, options.open === true]); });
      program.parse(['--port', '8080', '-d', 'serve', 'public', '--open'], { from: 'user' });
      const failures = [];
      for (const argv of [['--nope'], ['--mode', 'c'], ['--version'], ['--help']]) {
        try { new Command().name('t').version('9.9.9').exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push('err: ' + s) }).addOption(new Option('--mode <m>').choices(['a', 'b'])).parse(argv, { from: 'user' }); }
        catch (e) { failures.push([e.code, e.exitCode, e.message]); }
      }
      return [program.opts(), ran, failures, out, program.helpInformation()];`,
  },
  {
    name: 'cookie-parser',
    specifiers: ['cookie-parser'],
    scenario: `const cookieParser = m('cookie-parser');
      const signed = 's:hello.f4QfpA9Gn0EHRmpM34eJoW49dFBMgcScm3FnNDbKJ80';
      const calls = [];
      cookieParser('corpus-secret')({ headers: { cookie: 'a=1; b=j%3A%7B%22x%22%3A2%7D; s=' + encodeURIComponent(signed) } }, {}, (err) => calls.push(err === undefined ? 'next' : String(err)));
      return [cookieParser.signedCookie(signed, 'corpus-secret'), cookieParser.signedCookie(signed, 'other'), cookieParser.signedCookies({ s: signed, plain: 'p' }, ['x', 'corpus-secret']),
        cookieParser.JSONCookie('j:{"a":[1]}'), cookieParser.JSONCookies({ a: 'j:[1,2]', b: 'plain', c: 'j:{bad' }), calls];`,
  },
  {
    // Plain objects stand for req and res (real ones cross as live handles: test/membrane); headers go through
    // the res's own functions.
    name: 'cors',
    specifiers: ['cors'],
    scenario: `const cors = m('cors');
      const run = (middleware, req) => new Promise((resolve) => {
        const headers = {};
        const res = { getHeader: (n) => headers[n.toLowerCase()], setHeader: (n, v) => { headers[n.toLowerCase()] = v; }, end: () => resolve(['end', headers]) };
        middleware(req, res, (err) => resolve(['next', err, headers]));
      });
      const open = await run(cors(), { method: 'GET', headers: { origin: 'https://a.example' } });
      const listed = cors({ origin: ['https://a.example', /\\.b\\.example$/], credentials: true, exposedHeaders: ['X-Total'], maxAge: 600 });
      const allowed = await run(listed, { method: 'GET', headers: { origin: 'https://x.b.example' } });
      const refused = await run(listed, { method: 'GET', headers: { origin: 'https://evil.example' } });
      const preflight = await run(listed, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-token' } });
      // Options decided per request, after a lookup (the callback answers later).
      const dynamic = await run(cors((req, cb) => setImmediate(() => cb(null, { origin: req.headers.origin === 'https://ok.example' }))), { method: 'GET', headers: { origin: 'https://ok.example' } });
      return [open, allowed, refused, preflight, dynamic];`,
    knownDifference: {
      cause: 'an options callback (a host function) that answers at once calls back into cors while cors is still running: a component instance cannot be re-entered (ERR_ISOLATE_REENTRANT); no part of issue 12 covers it',
      scenario: `const cors = m('cors');
        return await new Promise((resolve) => {
          const headers = {};
          const res = { getHeader: (n) => headers[n.toLowerCase()], setHeader: (n, v) => { headers[n.toLowerCase()] = v; } };
          cors((req, cb) => cb(null, { origin: true }))({ method: 'GET', headers: { origin: 'https://ok.example' } }, res, (err) => resolve([err, headers]));
        });`,
    },
  },
  {
    // config() reads the file through the fs grant on ./fixtures; processEnv keeps the app's own environment out.
    name: 'dotenv',
    specifiers: ['dotenv'],
    allow: FS_FIXTURES,
    scenario: `const dotenv = m('dotenv');
      const loaded = dotenv.config({ path: 'fixtures/app.env', processEnv: {}, quiet: true });
      const missing = dotenv.config({ path: 'fixtures/none.env', processEnv: {}, quiet: true });
      // config() and populate() write into the object passed as processEnv (written back after the call, as in Node).
      const target = {};
      dotenv.config({ path: 'fixtures/app.env', processEnv: target, quiet: true });
      const populated = {};
      dotenv.populate(populated, { A: '1' });
      return [dotenv.parse('A=1\\nB="two words"\\n# c\\nexport C=3\\nD=\\'single\\'\\nE="multi\\\\nline"\\n'), dotenv.parse(Buffer.from('K=V')), loaded.parsed, [missing.error.code, missing.error.syscall], target, populated];`,
  },
  {
    // Templates from strings (includes would read files: not granted).
    name: 'ejs',
    specifiers: ['ejs'],
    scenario: `const ejs = m('ejs');
      const page = '<h1><%= title %></h1><ul><% items.forEach(function (item) { %><li><%- item %></li><% }) %></ul><%# comment %>';
      const compiled = ejs.compile('<p><%= user.name %> has <%= user.n %></p>', {});
      const failed = (() => { try { ejs.render('<%= missing.x %>', {}); } catch (e) { return [e.name, e.message.split('\\n').pop()]; } })();
      return [ejs.render(page, { title: '<T & C>', items: ['a', '<b>'] }), compiled({ user: { name: 'Ann', n: 3 } }), ejs.render('<?= x ?>', { x: 1 }, { delimiter: '?' }), failed, ejs.escapeXML('<a href="x">')];`,
  },
  {
    // Walking the disk needs the fs grant (./fixtures).
    name: 'fast-glob',
    specifiers: ['fast-glob'],
    allow: FS_FIXTURES,
    scenario: `const fg = m('fast-glob');
      const sorted = (list) => [...list].sort();
      return [sorted(fg.sync('**/*.js', { cwd: 'fixtures' })), sorted(await fg(['**/*.md', '!**/guide.md'], { cwd: 'fixtures' })), sorted(fg.sync('src/**', { cwd: 'fixtures', dot: true, onlyFiles: false, markDirectories: true })),
        sorted(fg.sync('*', { cwd: 'fixtures', dot: true })), sorted((await fg.async('fixtures/src/*.js', { stats: false, objectMode: true })).map((e) => [e.name, e.path, e.dirent.isFile()])),
        fg.isDynamicPattern('src/*.js'), fg.isDynamicPattern('src/a.js'), fg.escapePath('a(b)[c]'), fg.convertPathToPattern('dir/sub')];`,
  },
  {
    // Headers go through a plain res's own setHeader/removeHeader (real req/res cross as live handles: test/membrane).
    name: 'helmet',
    specifiers: ['helmet'],
    scenario: `const helmet = m('helmet');
      const run = (middleware) => new Promise((resolve) => {
        const headers = {};
        const removed = [];
        const res = { setHeader: (n, v) => { headers[n] = v; }, removeHeader: (n) => removed.push(n), getHeader: (n) => headers[n] };
        middleware({ method: 'GET', headers: {} }, res, (err) => resolve([err, headers, removed]));
      });
      return [await run(helmet()), await run(helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'", 'cdn.example'] } }, hsts: { maxAge: 60 }, frameguard: { action: 'deny' } })),
        await run(helmet.noSniff()), helmet.contentSecurityPolicy.getDefaultDirectives()];`,
  },
  {
    name: 'iconv-lite',
    specifiers: ['iconv-lite'],
    scenario: `const iconv = m('iconv-lite');
      const text = 'héllo € ñ 日本';
      return [iconv.encode('héllo € ñ', 'win1252'), iconv.decode(Buffer.from([0x68, 0xe9, 0x80]), 'win1252'), iconv.encode(text, 'utf16le'), iconv.decode(iconv.encode(text, 'shift_jis'), 'shift_jis'),
        iconv.encode('日本語', 'gbk'), iconv.decode(Buffer.from([0xc1, 0xc2]), 'koi8-r'), iconv.encode('Ω', 'utf8', { addBOM: true }), iconv.decode(Buffer.from([0xef, 0xbb, 0xbf, 0x41]), 'utf8'),
        iconv.encodingExists('latin1'), iconv.encodingExists('nope'), iconv.encode('ab', 'utf16be'), iconv.decode(Buffer.from('4142', 'hex'), 'ascii')];`,
  },
  {
    name: 'joi',
    specifiers: ['joi'],
    scenario: `const Joi = m('joi');
      const schema = Joi.object({ name: Joi.string().min(2).required(), age: Joi.number().integer().min(0), email: Joi.string().email(), role: Joi.string().valid('admin', 'user').default('user'), tags: Joi.array().items(Joi.string()).unique() });
      const ok = schema.validate({ name: 'Ann', age: '42', email: 'ann@example.com' });
      const bad = schema.validate({ name: 'A', age: -1.5, email: 'nope', tags: ['x', 'x'], extra: 1 }, { abortEarly: false });
      const thrown = (() => { try { Joi.attempt(5, Joi.string()); } catch (e) { return [e.name, e.message, e.details.map((d) => d.type)]; } })();
      return [ok.value, ok.error, bad.error.name, bad.error.message, bad.error.details.map((d) => [d.message, d.path, d.type, d.context.label]), thrown, Joi.isSchema(schema), schema.describe().keys.role];`,
    knownDifference: {
      cause: "a thrown ValidationError reaches the app as a plain Error with its name and own fields: isJoi, which sits on ValidationError.prototype, is missing, and so is instanceof (issue 12 membranes: errors of the package's own class)",
      scenario: `const Joi = m('joi');
        try { Joi.attempt(5, Joi.string()); } catch (e) { return [e.isJoi, e instanceof Joi.ValidationError, Joi.isError(e)]; }`,
    },
  },
  {
    name: 'micromatch',
    specifiers: ['micromatch'],
    scenario: `const mm = m('micromatch');
      const files = ['a.js', 'b.md', 'src/c.js', 'src/lib/d.ts', '.hidden.js', 'test/e.test.js'];
      return [mm(files, '**/*.js'), mm(files, ['**/*.{js,ts}', '!test/**']), mm.isMatch('src/c.js', 'src/*.js'), mm.not(files, '*.js'), mm.matcher('**/*.ts')('x/y.ts'), mm.makeRe('*.js').source,
        mm.braces('a/{b,c}/{1..3}', { expand: true }), mm.scan('src/**/*.js'), mm(files, '**/*.js', { dot: true }), mm.capture('src/*.js', 'src/c.js'), mm.contains('aa/bb/cc', '*b')];`,
  },
  {
    name: 'mime-types',
    specifiers: ['mime-types'],
    scenario: `const mime = m('mime-types');
      return [mime.lookup('a.json'), mime.lookup('x/y/photo.JPG'), mime.lookup('nope.zzz'), mime.contentType('html'), mime.contentType('file.json'), mime.extension('text/css'), mime.extension('application/octet-stream'),
        mime.charset('text/plain'), mime.extensions['image/png'], mime.types.svg];`,
  },
  {
    // Fixed instants in UTC; the French locale is a subpath that registers itself on the same moment.
    name: 'moment',
    specifiers: ['moment', 'moment/locale/fr'],
    scenario: `const moment = m('moment'); m('moment/locale/fr'); moment.locale('en');
      const d = moment.utc('2020-01-31T03:04:05Z');
      const later = d.clone().add(1, 'month').add(2, 'hours');
      return [d.format('dddd, MMMM Do YYYY, h:mm:ss a'), later.toISOString(), later.diff(d, 'days'), later.from(d), d.clone().locale('fr').format('LLLL'), moment.duration(90, 'minutes').humanize(),
        moment.utc('2021-03-04', 'YYYY-MM-DD', true).isValid(), moment.utc('2021-02-30', 'YYYY-MM-DD', true).isValid(), d.clone().startOf('week').format(), d.isBefore(later), moment.utc(0).valueOf(),
        moment.utc('12/25/2020 14:30', 'MM/DD/YYYY HH:mm').format('YYYY-MM-DDTHH:mm'), moment.locales().includes('fr')];`,
  },
  {
    // The classes on their own, then a real fetch to the test's server on 127.0.0.1 (granted).
    name: 'node-fetch',
    specifiers: ['node-fetch'],
    allow: NET_LOCAL,
    scenario: `const { default: fetch, Headers, Request, Response, FetchError } = m('node-fetch');
      const headers = new Headers({ 'Content-Type': 'text/plain', 'X-A': '1' });
      headers.append('x-a', '2');
      const response = new Response('{"made":"here"}', { status: 201, statusText: 'Created', headers: { 'content-type': 'application/json' } });
      const request = new Request(origin + '/echo', { method: 'POST', body: 'hi', headers: { 'X-Corpus': 'req' } });
      const fetched = await fetch(origin + '/json');
      const posted = await fetch(origin + '/echo', { method: 'PUT', body: JSON.stringify({ a: 1 }), headers: { 'Content-Type': 'application/json', 'X-Corpus': 'put' } });
      const missing = await fetch(origin + '/missing');
      return [[...headers], headers.get('x-a'), response.status, response.ok, response.statusText, await response.json(), request.method, request.url, request.headers.get('x-corpus'), await request.text(),
        fetched.status, fetched.headers.get('content-type'), await fetched.json(), await posted.json(), [missing.status, missing.ok, await missing.text()], typeof FetchError];`,
  },
  {
    name: 'ramda',
    specifiers: ['ramda'],
    scenario: `const R = m('ramda');
      const add3 = R.curryN(3, (a, b, c) => a + b + c);
      const person = { name: 'ann', address: { city: 'paris', zip: '75001' } };
      const city = R.lensPath(['address', 'city']);
      return [add3(1)(2)(3), add3(1, 2)(3), R.add(2)(3), R.pipe(R.map(R.inc), R.filter(R.gt(R.__, 2)), R.sum)([1, 2, 3]), R.compose(R.toUpper, R.prop('name'))(person),
        R.view(city, person), R.set(city, 'lyon', person), R.over(R.lensProp('name'), R.toUpper, person), R.groupBy(R.prop('k'), [{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 3 }]),
        R.sortBy(R.prop('n'), [{ n: 2 }, { n: 1 }]), R.uniq([1, 1, [2], [2]]), R.evolve({ a: R.negate }, { a: 1, b: 2 }), R.mergeDeepRight({ a: { b: 1 } }, { a: { c: 2 } }), R.equals({ a: [1] }, { a: [1] }),
        // curry reads the arity of the function it is given: a host function crosses with its length.
        (() => { const curried = R.curry((a, b, c) => a + b + c); return [curried.length, typeof curried(1), curried(1)(2)(3)]; })(), R.compose(R.inc, (a, b) => a * b).length];`,
  },
  {
    // Operators with the app's functions, a subscriber, a Subject, and the scheduler's timers.
    name: 'rxjs',
    specifiers: ['rxjs'],
    scenario: `const { of, from, Subject, BehaviorSubject, firstValueFrom, lastValueFrom, timer, map, filter, scan, toArray, take, mergeMap, catchError, delay } = m('rxjs');
      const seen = [];
      of(1, 2, 3, 4, 5).pipe(map((x) => x * 2), filter((x) => x > 2), scan((acc, x) => acc + x, 0)).subscribe({ next: (v) => seen.push(v), complete: () => seen.push('done') });
      const subject = new Subject();
      const collected = lastValueFrom(subject.pipe(take(3), toArray()));
      subject.next('a'); subject.next('b'); subject.next('c');
      const state = new BehaviorSubject(1);
      state.next(2);
      // The app's callbacks return arrays and promises (any ObservableInput), not observables made by rxjs.
      const caught = await firstValueFrom(from([1, 2, 3]).pipe(mergeMap((x) => { if (x === 3) throw new Error('boom'); return [x, x * 10]; }), toArray(), catchError((e) => [['caught', e.message]])));
      const timed = await lastValueFrom(timer(5).pipe(map(() => 'fired')));
      const delayed = await lastValueFrom(of(1, 2).pipe(delay(5), toArray()));
      return [seen, await collected, state.getValue(), caught, timed, delayed];`,
    knownDifference: {
      cause: 'a callback (a host function) that calls rxjs itself, such as mergeMap((x) => of(x)), calls back into the instance while rxjs is running it: a component instance cannot be re-entered (ERR_ISOLATE_REENTRANT), which no part of issue 12 covers. A promise a host callback returns (mergeMap(async (x) => ...)) arrives as a copy without then (issue 12 membranes: host objects as live handles)',
      scenario: `const { from, of, mergeMap, toArray, lastValueFrom } = m('rxjs');
        const reentrant = await lastValueFrom(from([1, 2]).pipe(mergeMap((x) => of(x, x * 10)), toArray())).catch((e) => e.code);
        const promised = await lastValueFrom(from([1, 2]).pipe(mergeMap(async (x) => x + 100), toArray())).catch((e) => e.message);
        return [reentrant, promised];`,
    },
  },
  {
    name: 'underscore',
    specifiers: ['underscore'],
    scenario: `const _ = m('underscore');
      const people = [{ name: 'b', age: 3 }, { name: 'a', age: 1 }, { name: 'c', age: 3 }];
      const own = (value) => JSON.parse(JSON.stringify(value));
      return [own(_.groupBy(people, 'age')), _.pluck(_.sortBy(people, 'name'), 'name'), _.chain([1, 2, 3, 4]).map((x) => x * 3).filter((x) => x % 2 === 0).value(), _.uniq([1, 2, 1, 3]),
        _.template('<%- who %> has <%= n %>')({ who: '<ann>', n: 2 }), _.countBy([1, 2, 3], (n) => (n % 2 ? 'odd' : 'even')), _.pick({ a: 1, b: 2, c: 3 }, 'a', 'c'), _.zip([1, 2], ['a', 'b']),
        _.isEqual({ a: [1] }, { a: [1] }), _.range(0, 10, 3), _.escape('<a & b>'), _.flatten([1, [2, [3]]]), _.memoize((x) => x * 2)(4), _.VERSION];`,
  },
];
