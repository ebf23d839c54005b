// Runs real calls of the corpus packages (installed at the repository root) under preload.cjs.
// Each exercise is what an app does with the package; errors are printed, not hidden (the test fails on any).
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

// Direct dependencies of the repository, then pnpm's hoisted store for the transitive ones (debug, supports-color...).
const roots = [new URL('../../../package.json', import.meta.url), new URL('../../../node_modules/.pnpm/node_modules/', import.meta.url)].map((u) => createRequire(u));
const load = async (name) => {
  for (const [i, require] of roots.entries()) {
    try {
      const m = require(name);
      // Node 20.19+ require()s ES modules too and returns the namespace.
      return m?.[Symbol.toStringTag] === 'Module' && 'default' in m ? m.default : m;
    } catch (error) {
      if (error.code === 'MODULE_NOT_FOUND' && i < roots.length - 1) continue;
      if (error.code !== 'ERR_REQUIRE_ESM' && error.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
      const m = await import(require.resolve(name));
      return m.default ?? m;
    }
  }
  throw new Error(`${name} is not installed`);
};
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const scratch = mkdtempSync(path.join(os.tmpdir(), 'ground-truth-'));
const repo = new URL('../../../', import.meta.url).pathname;

// A local collector for packages that phone home: the request stays on 127.0.0.1.
const collector = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
process.env.TELEMETRY_URL = `http://127.0.0.1:${collector.address().port}/collect`;

export const EXERCISES = {
  yaml: (m) => m.stringify(m.parse('a: 1\nb: [x, y]\nc: { d: "e" }\n')),
  chalk: (m) => m.red.bold('hello'),
  'supports-color': (m) => m.stdout,
  glob: (m) => m.globSync('*.json', { cwd: repo }),
  'fast-glob': (m) => m.sync('*.json', { cwd: repo }),
  tinyglobby: (m) => m.globSync(['*.json'], { cwd: repo }),
  mkdirp: (m) => m.sync(path.join(scratch, 'a', 'b')),
  'make-dir': (m) => m.makeDirectorySync ? m.makeDirectorySync(path.join(scratch, 'c', 'd')) : m.sync(path.join(scratch, 'c', 'd')),
  'find-up-simple': (m) => m.findUpSync('package.json', { cwd: scratch }),
  resolve: (m) => m.sync('yaml', { basedir: repo }),
  esbuild: (m) => m.transformSync('let a: number = 1', { loader: 'ts' }).code,
  'pino-transport': async () => {
    const pino = await load('pino');
    const transport = pino.transport({ target: 'pino/file', options: { destination: path.join(scratch, 'transport.log'), mkdir: true } });
    pino(transport).info('through a worker');
    // The worker may linger after flushing: wait for its close, at most a few seconds.
    await new Promise((resolve) => {
      transport.once('close', resolve);
      transport.end();
      setTimeout(resolve, 3000).unref();
    });
  },
  'detect-libc': (m) => [m.familySync(), m.versionSync(), m.isNonGlibcLinuxSync()],
  'graceful-fs': (m) => m.readFileSync(path.join(repo, 'package.json'), 'utf8').length,
  'evil-telemetry': async (m) => {
    m.formatReport({ title: 't', rows: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
  },
  lodash: (m) => m.template('hi <%= name %>')({ name: 'x' }) + m.merge({ a: 1 }, { b: 2 }).b,
  zod: (m) => m.object({ a: m.string(), n: m.number() }).parse({ a: 'x', n: 1 }),
  handlebars: (m) => m.compile('{{#each items}}{{this}}{{/each}}')({ items: [1, 2] }),
  marked: (m) => m.parse('# title\n\n*a* [b](http://c)'),
  qs: (m) => m.stringify(m.parse('a[b]=c&d=1')),
  debug: (m) => {
    const log = m('ground-truth');
    log('message %o', { a: 1 });
    return m.enabled('x');
  },
  ejs: (m) => m.render('<% for (const x of xs) { %><%= x %><% } %>', { xs: [1, 2] }),
  pino: (m) => {
    const logger = m({ level: 'info' }, sink());
    logger.info({ a: 1 }, 'hello');
    logger.child({ c: 1 }).warn('child');
    const toFile = m(m.destination({ dest: path.join(scratch, 'log.ndjson'), sync: true, mkdir: true }));
    toFile.info('to a file');
    return true;
  },
  'xml2js': (m) => m.parseStringPromise('<root><a x="1">t</a></root>').then((r) => new m.Builder().buildObject(r)),
  'js-yaml': (m) => m.dump(m.load('a: [1, 2]')),
  'fast-xml-parser': (m) => new m.XMLBuilder().build(new m.XMLParser().parse('<a><b>1</b></a>')),
  'markdown-it': (m) => m().render('# hi *there*'),
  mustache: (m) => m.render('{{a}}', { a: 1 }),
  semver: (m) => m.satisfies('1.2.3', '^1.0.0') && m.inc('1.2.3', 'minor'),
  uuid: (m) => m.v4() + m.v7(),
  nanoid: (m) => m.nanoid(),
  validator: (m) => m.isEmail('a@b.co') && m.isURL('http://x.org'),
  dayjs: (m) => m('2020-01-01').add(1, 'day').format(),
  'date-fns': (m) => m.format(m.addDays(new Date(0), 1), 'yyyy-MM-dd'),
  minimist: (m) => m(['--a', 'b', 'c']),
  ms: (m) => m('2 days') + m(1000),
  cookie: (m) => m.parseCookie ? m.parseCookie('a=b') : m.parse('a=b'),
  'escape-html': (m) => m('<a>'),
  papaparse: (m) => m.unparse(m.parse('a,b\n1,2').data),
  'sanitize-html': (m) => m('<script>x</script><b>ok</b>'),
  'iconv-lite': (m) => m.decode(m.encode('héllo', 'win1252'), 'win1252'),
  diff: (m) => m.createPatch('f', 'a\nb\n', 'a\nc\n'),
  'object-inspect': (m) => m({ a: [1, { b: 2 }] }),
  cheerio: (m) => m.load('<p class="x">hi</p>')('.x').text(),
  bluebird: (m) => m.resolve(1).delay(1).then((x) => x + 1),
  depd: (m) => {
    const deprecate = m('ground-truth');
    const fn = deprecate.function(function old() { return 1; }, 'use new');
    return fn();
  },
};

/** The folder of an installed package, as loaded from here (printed for the test: it audits these). */
function packageDir(name) {
  for (const require of roots) {
    let file;
    try {
      file = require.resolve(name);
    } catch {
      continue;
    }
    const marker = `/node_modules/${name}/`;
    const at = file.lastIndexOf(marker);
    if (at >= 0) return file.slice(0, at + marker.length - 1);
  }
  throw new Error(`no folder found for ${name}`);
}

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(EXERCISES);
let failed = 0;
for (const name of names) {
  try {
    const real = name === 'pino-transport' ? 'pino' : name;
    console.log(`exercised ${real} ${packageDir(real)}`);
    await EXERCISES[name](await load(real));
  } catch (error) {
    failed++;
    console.error(`exercise ${name} failed: ${error.stack ?? error}`);
  }
}
collector.closeAllConnections();
collector.close();
// Pino's transport worker and keep-alive sockets would hold the process open; every record is written synchronously.
process.exit(failed === 0 ? 0 : 1);
