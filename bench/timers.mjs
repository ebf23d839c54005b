// Guest timers: what a timer costs isolated, against the same package loaded natively in the same process.
// Run: npm run bench:timers (after npm run build). Prints a markdown table of medians.
// - a call that sets no timer, for scale; debounced call: one call of a lodash-debounced host function (a clearTimeout + setTimeout in the package);
// - 1,000 due timers: from the moment they are due until the last callback has run, per callback;
// - wake-up: how late a 20 ms timer's host callback runs, with nothing else going on.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import isolateDeps from 'isolate-deps/esbuild';

const repo = new URL('..', import.meta.url).pathname;
const work = path.join(repo, 'test/.work/bench-timers');
const cacheDir = path.join(repo, 'test/.cache/components');
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'src'), { recursive: true });

writeFileSync(path.join(work, 'isolate-deps.policy.json'), JSON.stringify({ packages: { 'timer-probe': { isolate: true }, lodash: { isolate: true } } }));
writeFileSync(
  path.join(work, 'src/app.js'),
  `import probe from 'timer-probe';
import _ from 'lodash';
import { createRequire } from 'node:module';
const requireNative = createRequire(${JSON.stringify(path.join(repo, 'package.json'))});
const native = { probe: requireNative('timer-probe'), _: requireNative('lodash') };
const isolated = { probe, _ };
const median = (list) => list.sort((a, b) => a - b)[list.length >> 1];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure({ probe, _ }) {
  const plainUs = [];
  const plainCpuUs = [];
  for (let round = 0; round < 7; round++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < 200; i++) probe.clear(0);
    const used = process.cpuUsage(cpu);
    plainUs.push(((performance.now() - started) / 200) * 1000);
    plainCpuUs.push((used.user + used.system) / 200);
  }
  const debounced = _.debounce(() => {}, 1_000);
  debounced();
  const callUs = [];
  for (let round = 0; round < 7; round++) {
    const started = performance.now();
    for (let i = 0; i < 200; i++) debounced();
    callUs.push(((performance.now() - started) / 200) * 1000);
  }
  debounced.cancel();
  const perTimerUs = [];
  for (let round = 0; round < 5; round++) {
    const done = new Promise((resolve) => probe.many(1_000, 10, resolve));
    const due = performance.now() + 10;
    await done;
    perTimerUs.push(((performance.now() - due) / 1_000) * 1000);
  }
  const lateMs = [];
  for (let round = 0; round < 9; round++) {
    const fired = new Promise((resolve) => probe.timeout(20, resolve, performance.now()));
    const scheduledAt = await fired;
    lateMs.push(performance.now() - scheduledAt - 20);
    await sleep(5);
  }
  return { plainUs: median(plainUs), plainCpuUs: median(plainCpuUs), callUs: median(callUs), perTimerUs: median(perTimerUs), lateMs: median(lateMs) };
}

probe.clear(0);
console.log(JSON.stringify({ native: await measure(native), isolated: await measure(isolated) }));
`,
);
await build({
  absWorkingDir: work,
  entryPoints: ['src/app.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: path.join(work, 'dist/app.mjs'),
  logLevel: 'silent',
  tsconfigRaw: {},
  plugins: [isolateDeps({ cacheDir })],
});
const { native, isolated } = JSON.parse(execFileSync(process.execPath, [path.join(work, 'dist/app.mjs')], { encoding: 'utf8' }).trim().split('\n').pop());

const row = (name, key, unit, digits) => `| ${name} | ${native[key].toFixed(digits)} ${unit} | ${isolated[key].toFixed(digits)} ${unit} | ${(isolated[key] / native[key]).toFixed(1)}x |`;
console.log(
  [
    '| case | native | isolated | ratio |',
    '|---|---|---|---|',
    row('one call that sets no timer (probe.clear(0)), for scale', 'plainUs', 'µs', 2),
    row('the same, CPU time of this process', 'plainCpuUs', 'µs', 2),
    row('one debounced call (clearTimeout + setTimeout in the package)', 'callUs', 'µs', 2),
    row('1,000 timers due at once, per callback', 'perTimerUs', 'µs', 1),
    `| a 20 ms timer's host callback runs late by | ${native.lateMs.toFixed(2)} ms | ${isolated.lateMs.toFixed(2)} ms | — |`,
  ].join('\n'),
);
console.log(`\nmedians; Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
