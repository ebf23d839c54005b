import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findPackagePolicy, type Policy } from '@isolate-deps/policy';
import { AnalysisCache, defaultCacheFile } from './analysis-cache.ts';
import { analyzePackage, contentHash, listPackageFiles, packageNameOf } from './analyze-package.ts';
import { CAPABILITIES, type Capability } from './capabilities.ts';
import { checkPolicy } from './policy-rules.ts';
import { analyzeInWorkers, defaultThreads, type AnalysisJob } from './analysis-pool.ts';
import { appScope, type DependencyScope } from './app-scope.ts';
import { readInstalledTree } from './tree.ts';
import type { AuditReport, AuditedPackage, Evidence, InstalledPackage, PackageAnalysis } from './types.ts';

/** Options of `audit()`. */
export interface AuditOptions {
  /** The project folder whose node_modules is audited. */
  root: string;
  /** The policy to check against; undefined audits without one (every risky capability is unreviewed). */
  policy?: Policy | undefined;
  /** The cache file; false disables the cache. Default: node_modules/.cache/isolate-deps/audit.json. */
  cacheFile?: string | false;
  /**
   * A module that serves analyses on worker threads (see isAnalysisWorker); without one, or with
   * threads ≤ 1, packages are analysed on this thread.
   */
  workerScript?: string | URL | undefined;
  /** Worker threads for a cold audit (default: one per core, at most four). */
  threads?: number;
  /**
   * Which packages count: the app's production dependencies, its dev dependencies too, or (default)
   * every installed package. The first two leave out isolate-deps' own packages and what only they pull in.
   */
  scope?: DependencyScope | 'installed';
  /** Called after each package is analysed (for a progress line). */
  onProgress?: (done: number, total: number, current: string) => void;
}

// Below this many packages to analyse, starting threads costs more than it saves.
const MIN_JOBS_FOR_WORKERS = 32;

/** Reads the installed tree, analyses every package (cached by integrity) and checks the policy. */
export async function audit(options: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const root = path.resolve(options.root);
  const tree = readInstalledTree(root);
  const scope = options.scope ?? 'installed';
  const installed = tree.packages.length;
  if (scope !== 'installed') tree.packages = appScope(tree, scope);
  const cache = new AnalysisCache(options.cacheFile === false ? undefined : (options.cacheFile ?? defaultCacheFile(root)));
  // Cache hits first; the misses are analysed together, on worker threads when the caller can host them.
  const analyses: (PackageAnalysis | undefined)[] = [];
  const misses: { index: number; key: string; job: AnalysisJob }[] = [];
  const keys: string[] = [];
  const missed = new Set<string>();
  for (const [index, pkg] of tree.packages.entries()) {
    const { key, files } = cacheKey(pkg);
    keys.push(key);
    analyses.push(cache.get(key));
    // The same name@version installed twice (npm nesting) is analysed once.
    if (!analyses[index] && !missed.has(key)) {
      missed.add(key);
      misses.push({ index, key, job: files ? { dir: pkg.dir, files } : { dir: pkg.dir } });
    }
  }
  let done = tree.packages.length - misses.length;
  const progress = (i: number): void => options.onProgress?.(++done, tree.packages.length, tree.packages[misses[i]!.index]!.name);
  const threads = options.threads ?? defaultThreads();
  let fresh: PackageAnalysis[];
  if (options.workerScript && threads > 1 && misses.length >= MIN_JOBS_FOR_WORKERS) {
    fresh = await analyzeInWorkers(misses.map((m) => m.job), options.workerScript, threads, progress);
  } else {
    fresh = [];
    for (const [i, miss] of misses.entries()) {
      fresh.push(analyzePackage(miss.job.dir, miss.job.files));
      progress(i);
      // Let a progress line draw on long scans.
      if (i % 25 === 24) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  for (const [i, miss] of misses.entries()) cache.set(miss.key, fresh[i]!);
  for (const [index, key] of keys.entries()) analyses[index] ??= cache.stored(key);
  reachDeepImports(tree.packages, analyses as PackageAnalysis[], keys, cache);
  const packages = tree.packages.map((pkg, index) => toAuditedPackage(root, pkg, analyses[index]!));
  const filesScanned = packages.reduce((sum, p) => sum + p.analysis.filesScanned, 0);
  const filesParsed = packages.reduce((sum, p) => sum + p.analysis.filesParsed, 0);
  cache.save();
  const policy = options.policy;
  const source = policy ? { policy, file: relative(root, policy.file), text: readFileSync(policy.file, 'utf8') } : undefined;
  if (policy) {
    for (const pkg of packages) {
      const entry = findPackagePolicy(policy, pkg.name, pkg.version);
      pkg.policyKey = entry?.key;
      pkg.isolated = entry?.isolate ?? false;
    }
  }
  const findings = checkPolicy(packages, source);
  return {
    root,
    policyFile: source?.file,
    packages,
    findings: sortFindings(findings),
    warnings: tree.warnings,
    scope,
    stats: { packages: packages.length, outOfScope: installed - packages.length, filesScanned, filesParsed, cacheHits: cache.hits, durationMs: Math.round(performance.now() - started) },
  };
}

/**
 * A package without an `exports` map exposes every file: the files other packages deep-import
 * ("lodash/merge") are entry points too. Those packages are analysed again with them (cached under
 * a key that names the imports). The project's own deep imports are not seen (its code is not scanned).
 */
function reachDeepImports(packages: InstalledPackage[], analyses: PackageAnalysis[], keys: string[], cache: AnalysisCache): void {
  const wanted = new Map<string, Set<string>>();
  for (const analysis of analyses) {
    for (const spec of analysis.reach.deepImports) {
      const name = packageNameOf(spec);
      wanted.set(name, (wanted.get(name) ?? new Set()).add(spec));
    }
  }
  for (const [index, pkg] of packages.entries()) {
    const specs = wanted.get(pkg.name);
    if (!specs || !analyses[index]!.reach.deepImportable) continue;
    const importedDeeply = [...specs].sort();
    const key = `${keys[index]}|deep:${importedDeeply.join(',')}`;
    let analysis = cache.get(key);
    if (!analysis) {
      analysis = analyzePackage(pkg.dir, undefined, importedDeeply);
      cache.set(key, analysis);
    }
    analyses[index] = analysis;
  }
}

/** The cache key of a package: its lockfile integrity, else a hash of its files (listed here, reused for the analysis). */
function cacheKey(pkg: InstalledPackage): { key: string; files?: ReturnType<typeof listPackageFiles> } {
  if (pkg.integrity) return { key: AnalysisCache.key(pkg.name, pkg.version, pkg.integrity) };
  const files = listPackageFiles(pkg.dir);
  return { key: AnalysisCache.key(pkg.name, pkg.version, contentHash(pkg.dir, files.code)), files };
}

function toAuditedPackage(root: string, pkg: InstalledPackage, analysis: PackageAnalysis): AuditedPackage {
  const dir = relative(root, pkg.dir);
  const inRoot = (e: Evidence): Evidence => ({ ...e, file: `${dir}/${e.file}` });
  const listed = (found: Partial<Record<Capability, Evidence[]>>, counts: Partial<Record<Capability, number>>) =>
    CAPABILITIES.flatMap((capability: Capability) => {
      const evidence = found[capability];
      return evidence ? [{ capability, count: counts[capability] ?? evidence.length, evidence: evidence.map(inRoot) }] : [];
    });
  const capabilities = listed(analysis.capabilities, analysis.counts);
  const scripts = Object.entries(pkg.installScripts);
  if (scripts.length > 0) {
    capabilities.push({ capability: 'install-script', count: scripts.length, evidence: scripts.map(([name, command]) => ({ file: pkg.manifest, line: 1, column: 1, detail: `${name}: ${command}` })) });
  }
  capabilities.sort((a, b) => CAPABILITIES.indexOf(a.capability) - CAPABILITIES.indexOf(b.capability));
  const { capabilities: _c, counts: _n, cli, ...rest } = analysis;
  return {
    ...pkg,
    id: `${pkg.name}@${pkg.version}`,
    dir,
    isolated: false,
    policyKey: undefined,
    capabilities,
    cli: listed(cli.capabilities, cli.counts),
    analysis: { ...rest, reach: { ...rest.reach, entries: rest.reach.entries.map((f) => `${dir}/${f}`), bin: rest.reach.bin.map((f) => `${dir}/${f}`), unreached: rest.reach.unreached.map((f) => `${dir}/${f}`) }, parseErrors: rest.parseErrors.map((e) => ({ ...e, file: `${dir}/${e.file}` })), native: rest.native.map((f) => `${dir}/${f}`) },
  };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function sortFindings<T extends { severity: keyof typeof SEVERITY_ORDER; package: string; ruleId: string; capability?: string }>(findings: T[]): T[] {
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.package.localeCompare(b.package) || a.ruleId.localeCompare(b.ruleId) || (a.capability ?? '').localeCompare(b.capability ?? ''));
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/') || '.';
}
