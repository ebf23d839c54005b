import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { setUpOrFail } from '../support/setup.ts';
import { analyzePackage, type PackageAnalysis } from '@isolate-deps/analyzer';

// Ground truth: real calls of real packages (installed at the repository root) run natively under a
// preload that records every capability use and credits it to the package whose code made it. The
// audit must report each observed use of each package (recall); what it reports beyond the run is
// tabulated (a static analysis sees every branch, one run takes a few).
const here = path.join(import.meta.dirname, 'ground-truth');
const repo = path.resolve(import.meta.dirname, '../..');

type Observation = { dir: string; capability: string; detail: string };
let observations: Observation[] = [];
let exercised: { name: string; dir: string }[] = [];
const analyses = new Map<string, PackageAnalysis>();
const analysisOf = (dir: string): PackageAnalysis => {
  const real = realpathSync(dir);
  if (!analyses.has(real)) analyses.set(real, analyzePackage(real));
  return analyses.get(real)!;
};
const label = (dir: string): string => {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${manifest.name}@${manifest.version}`;
};

setUpOrFail(() => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ground-truth-'));
  const out = path.join(scratch, 'observed.jsonl');
  // HOME is a scratch folder: evil-telemetry looks for ~/.ssh and ~/.npmrc, which must not be the real ones.
  const run = spawnSync(process.execPath, ['--require', path.join(here, 'preload.cjs'), path.join(here, 'drive.mjs')], {
    cwd: repo,
    env: { ...process.env, HOME: scratch, GROUND_TRUTH_OUT: out, DEBUG: 'ground-truth', FORCE_COLOR: '' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(run.status, `the exercises must all run:\n${run.stderr}`).toBe(0);
  exercised = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('exercised '))
    .map((l) => ({ name: l.split(' ')[1]!, dir: l.split(' ').slice(2).join(' ') }));
  observations = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Observation);
}, 300_000);

describe('ground truth: the audit against a native run of real packages', () => {
  test('every capability use observed at run time is reported for the package that made it (100% recall)', () => {
    expect(exercised.length).toBeGreaterThan(30);
    expect(observations.length).toBeGreaterThan(40);
    const misses: string[] = [];
    const viaWildcard: string[] = [];
    for (const o of observations) {
      const analysis = analysisOf(o.dir);
      if (o.capability === 'env') {
        if (analysis.envNames.includes(o.detail)) continue;
        if (analysis.envNames.includes('*') && analysis.capabilities.env?.some((e) => e.detail.includes('(') || e.detail.includes('in process.env'))) {
          viaWildcard.push(`${label(o.dir)} ${o.detail}`);
          continue;
        }
      } else if (analysis.capabilities[o.capability as keyof PackageAnalysis['capabilities']]) continue;
      misses.push(`${label(o.dir)}: ${o.capability} ${o.detail}`);
    }
    expect(misses).toEqual([]);
    console.log(`ground truth: ${observations.length} observed uses, all reported; env reads matched by a reported "*" with its reason: ${viaWildcard.join(', ') || 'none'}`);
  });

  test('the issue-17 misses are observed and reported: supports-color/chalk FORCE_COLOR, yaml LOG_TOKENS/LOG_STREAM, zod and handlebars eval', () => {
    const seen = (name: string, capability: string, detail?: string) =>
      observations.some((o) => label(o.dir).startsWith(`${name}@`) && o.capability === capability && (detail === undefined || o.detail === detail));
    expect(seen('chalk', 'env', 'FORCE_COLOR')).toBe(true);
    expect(seen('yaml', 'env', 'LOG_TOKENS') && seen('yaml', 'env', 'LOG_STREAM')).toBe(true);
    expect(seen('zod', 'eval') && seen('handlebars', 'eval')).toBe(true);
    const yaml = analysisOf(exercised.find((e) => e.name === 'yaml')!.dir);
    expect(yaml.envNames).toEqual(expect.arrayContaining(['LOG_STREAM', 'LOG_TOKENS']));
    expect(analysisOf(exercised.find((e) => e.name === 'chalk')!.dir).envNames).toContain('FORCE_COLOR');
  });

  test('what the audit reports beyond the run, per package (printed as a table)', () => {
    const dirs = new Map<string, string>();
    for (const e of exercised) dirs.set(realpathSync(e.dir), label(e.dir));
    for (const o of observations) dirs.set(realpathSync(o.dir), label(o.dir));
    const rows: string[] = ['| package | reported | observed | reported, not observed in this run |', '|---|---|---|---|'];
    let reported = 0;
    let unobserved = 0;
    for (const [dir, id] of [...dirs].sort(([, a], [, b]) => a.localeCompare(b))) {
      const analysis = analysisOf(dir);
      const caps = Object.keys(analysis.capabilities).filter((c) => c !== 'dynamic-import' && c !== 'obfuscation' && c !== 'wasm');
      const observed = new Set(observations.filter((o) => realpathSync(o.dir) === dir).map((o) => o.capability));
      const extra = caps.filter((c) => !observed.has(c));
      reported += caps.length;
      unobserved += extra.length;
      rows.push(`| ${id} | ${caps.join(', ') || '–'} | ${[...observed].join(', ') || '–'} | ${extra.join(', ') || '–'} |`);
    }
    rows.push(`| **total** | ${reported} | | ${unobserved} (${reported === 0 ? 0 : Math.round((100 * unobserved) / reported)}%) |`);
    console.log(rows.join('\n'));
    expect(dirs.size).toBeGreaterThan(30);
  });
});
