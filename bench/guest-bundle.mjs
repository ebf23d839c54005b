// Guest bundling benchmark: `node bench/guest-bundle.mjs` (after `npm run build`).
// Times bundleGuest (esbuild + the guest confinement, no componentize) over installed packages of the
// compatibility corpus, median of BENCH_RUNS rounds (default 3). For an A/B comparison, point
// ISOLATE_DEPS_DIST at another build's dist/index.js (for example a copy of dist built from main).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = process.env.ISOLATE_DEPS_DIST ?? path.join(repo, 'packages/isolate-deps/dist/index.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PACKAGES = [
  ['lodash', ['lodash', 'lodash/fp']], ['semver'], ['yaml', ['yaml', 'yaml/util']], ['js-yaml'], ['marked'], ['date-fns'], ['dayjs'],
  ['uuid'], ['nanoid'], ['qs'], ['handlebars'], ['mustache'], ['papaparse'], ['sanitize-html'], ['chalk'], ['yargs'], ['depd'],
  ['bluebird'], ['iconv-lite'], ['markdown-it'], ['zod'], ['validator'], ['diff'], ['fast-xml-parser'], ['minimist'], ['ms'],
].map(([name, specifiers]) => ({ name, specifiers: specifiers ?? [name] }));

const { bundleGuest } = await import(pathToFileURL(dist).href);
const grant = { fs: { read: [], write: [] }, env: [], net: [], clock: true, random: true, console: true };
const rounds = [];
let inputs = 0;
for (let round = 0; round < RUNS; round++) {
  const started = performance.now();
  inputs = 0;
  for (const { name, specifiers } of PACKAGES) {
    const bundle = await bundleGuest({ packageName: name, specifiers, resolveDir: repo, grant, policyFileName: 'isolate-deps.policy.json', cwd: '/project' });
    inputs += bundle.inputs.length;
  }
  rounds.push(performance.now() - started);
}
const median = [...rounds].sort((a, b) => a - b)[Math.floor(rounds.length / 2)];
console.log(`${PACKAGES.length} packages, ${inputs} bundled files: median ${Math.round(median)} ms per round (${Math.round(median / PACKAGES.length)} ms per package); rounds ${rounds.map(Math.round).join(', ')} ms (${dist})`);
