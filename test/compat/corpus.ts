/**
 * The compatibility corpus: each package, isolated with nothing granted beyond the defaults (clock, random,
 * console), against the same package loaded natively in the same process. A scenario is the body of a function
 * `(m) => result` where `m(specifier)` gives the module (its default export for CommonJS and callable modules,
 * its namespace otherwise); it may be async. The app runs every scenario on both sides and the test compares.
 */
export interface CorpusPackage {
  name: string;
  /** Specifiers the app imports (subpaths included). */
  specifiers: string[];
  scenario: string;
  /** Why the package cannot run isolated yet: the build must fail with this text instead of misbehaving. */
  unsupported?: string;
}

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
];
