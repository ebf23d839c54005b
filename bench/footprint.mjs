// What `npm i -D isolate-deps` adds to an app: packs the published package, installs the tarball with npm into
// an empty project, and prints the total and the 15 largest packages. Run: npm run bench:footprint (after npm run build).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { installedClosure, MB } from './footprint-measure.mjs';

const repo = new URL('..', import.meta.url).pathname;
const BOUND_MB = 150;

const work = mkdtempSync(path.join(tmpdir(), 'isolate-deps-footprint-'));
try {
  execFileSync('npx', ['-y', 'pnpm@10.34.0', 'pack', '--pack-destination', work], { cwd: path.join(repo, 'packages/isolate-deps'), stdio: 'pipe' });
  const tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
  const project = path.join(work, 'app');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'footprint-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project, stdio: 'pipe', timeout: 600_000 });

  // The project was empty: all of node_modules is what isolate-deps brought.
  const duMB = Number(execFileSync('du', ['-sk', path.join(project, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]) / 1024;
  const closure = installedClosure(project, 'isolate-deps');
  const fmt = (bytes) => (bytes / MB).toFixed(1);
  const tarballKB = Number(execFileSync('du', ['-k', '--apparent-size', tarball], { encoding: 'utf8' }).split('\t')[0]);

  console.log(`## npm i -D isolate-deps (packed tarball, ${(tarballKB / 1024).toFixed(1)} MB), Node ${process.version}, npm ${execFileSync('npm', ['-v'], { encoding: 'utf8' }).trim()}, ${process.platform}-${process.arch}\n`);
  console.log('| | MB |\n| --- | ---: |');
  console.log(`| node_modules total (du) | ${duMB.toFixed(1)} |`);
  console.log(`| packages installed | ${closure.length} |`);
  console.log(`| bound | ${BOUND_MB} (${duMB <= BOUND_MB ? 'met' : 'NOT met'}) |\n`);
  console.log('| Package (top 15) | Version | MB |\n| --- | --- | ---: |');
  for (const p of closure.slice(0, 15)) console.log(`| ${p.name} | ${p.version} | ${fmt(p.bytes)} |`);
  process.exitCode = duMB <= BOUND_MB ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
