import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findPackagePolicy, type Policy } from '@isolate-deps/policy';
import { AnalysisCache, defaultCacheFile } from './analysis-cache.ts';
import { appScope, isToolPackage, type DependencyScope } from './app-scope.ts';
import { CAPABILITIES, type Capability } from './capabilities.ts';
import { packageNameOf } from './entry-points.ts';
import { declaredDependencies, PackageLocator, reachFromEntries, resolveEntryFile } from './entry-scope.ts';
import { PackageAnalyses } from './package-analyses.ts';
import { checkPolicy } from './policy-rules.ts';
import { compareInstalled, readInstalledTree, type InstalledTree } from './tree.ts';
import type { AuditReport, AuditedPackage, EntryScope, Evidence, InstalledPackage, PackageAnalysis } from './types.ts';

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
  /**
   * The app's entry files (absolute, or relative to the root): when given, the audit covers the
   * packages these reach through static require/import, across packages, instead of `scope`.
   */
  entry?: string[] | undefined;
  /** Called after each package is analysed (for a progress line). */
  onProgress?: (done: number, total: number, current: string) => void;
}

/** Reads the installed tree, analyses every package in scope (cached by integrity) and checks the policy. */
export async function audit(options: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const root = path.resolve(options.root);
  const tree = readInstalledTree(root);
  const scope = options.entry ? 'entry' : (options.scope ?? 'installed');
  const cache = new AnalysisCache(options.cacheFile === false ? undefined : (options.cacheFile ?? defaultCacheFile(root)));
  const analyses = new PackageAnalyses(cache, options);
  let walk: PackageWalk;
  let entry: EntryScope | undefined;
  try {
    if (options.entry) ({ walk, entry } = await walkFromEntries(root, tree, options.entry, analyses));
    else {
      const inScope = options.scope === undefined || options.scope === 'installed' ? tree.packages : appScope(tree, options.scope);
      // Every package is analysed: the cache keys first tell how many miss, which decides on worker threads.
      analyses.expectMisses(new Set(inScope.filter((p) => !cache.has(analyses.keyOf(p))).map((p) => analyses.keyOf(p))).size);
      walk = new PackageWalk(analyses, (_from, spec) => inScope.filter((p) => p.name === packageNameOf(spec)));
      for (const pkg of inScope) walk.reach(pkg, 'the scope');
      await walk.settle();
    }
  } finally {
    await analyses.close();
  }
  const packages = walk.reached().map(({ pkg, analysis, reachedFrom }) => ({ ...toAuditedPackage(root, pkg, analysis), ...(entry ? { reachedFrom } : {}) }));
  const filesScanned = packages.reduce((sum, p) => sum + p.analysis.filesScanned, 0);
  const filesParsed = packages.reduce((sum, p) => sum + p.analysis.filesParsed, 0);
  cache.save();
  const policy = options.policy;
  const source = policy ? { policy, file: relative(root, policy.file), text: readFileSync(policy.file, 'utf8') } : undefined;
  if (policy) {
    for (const pkg of packages) {
      const policyEntry = findPackagePolicy(policy, pkg.name, pkg.version);
      pkg.policyKey = policyEntry?.key;
      pkg.isolated = policyEntry?.isolate ?? false;
    }
  }
  // Outside an entry's reach a package is still installed: its policy entry is not stale.
  const findings = checkPolicy(packages, source, entry ? new Set(tree.packages.map((p) => p.name)) : undefined);
  return {
    root,
    policyFile: source?.file,
    packages,
    findings: sortFindings(findings),
    warnings: tree.warnings,
    scope,
    ...(entry ? { entry } : {}),
    stats: { packages: packages.length, outOfScope: tree.packages.length - packages.length, filesScanned, filesParsed, cacheHits: cache.hits, durationMs: Math.round(performance.now() - started) },
  };
}

/**
 * The packages the app's entry files reach: the installed packages their static loads name (resolved
 * as Node does, from the loading file's folder), then the packages those packages' counted code loads,
 * and so on. A computed require()/import() widens the walk to every declared dependency of its package
 * and of the project (only the project's, in the app's own files). isolate-deps' own packages are never audited.
 */
async function walkFromEntries(root: string, tree: InstalledTree, entries: string[], analyses: PackageAnalyses): Promise<{ walk: PackageWalk; entry: EntryScope }> {
  const files = entries.map((e) => {
    const file = resolveEntryFile(root, e);
    if (file === undefined) throw new Error(`entry ${e}: no such file under ${root} (tried it with .js, .cjs, .mjs, .ts and as a folder's main or index)`);
    return file;
  });
  const candidates = tree.packages.filter((p) => !isToolPackage(p.name));
  analyses.expectMisses(analyses.possibleMisses(candidates));
  const locator = new PackageLocator(candidates);
  const app = reachFromEntries(root, files, locator);
  const computedLoads = new Map<string, string>();
  const walk = new PackageWalk(analyses, (from, spec) => {
    const located = locator.locate(from.dir, spec);
    return located && 'pkg' in located ? [located.pkg] : [];
  });
  // What a computed load may name: the loader's own dependencies, and those the app installed (a driver or plugin it configures).
  const projectDependencies = declaredDependencies(root).flatMap((name) => {
    const located = locator.locate(root, name);
    return located && 'pkg' in located ? [located.pkg] : [];
  });
  walk.onAnalysed = (pkg, analysis) => {
    for (const name of analysis.reach.packages) walk.load(pkg, name, `${pkg.name}@${pkg.version}`);
    if (analysis.reach.computedLoad === undefined) return;
    computedLoads.set(pkg.dir, `${pkg.name}@${pkg.version} ${analysis.reach.computedLoad}`);
    const why = `${pkg.name}@${pkg.version} (computed require/import)`;
    for (const name of declaredDependencies(pkg.dir)) walk.load(pkg, name, why);
    for (const dependency of projectDependencies) walk.reach(dependency, why);
  };
  for (const load of app.loads) walk.reach(load.pkg, load.from, load.deepImport);
  if (app.computedLoad !== undefined) for (const dependency of projectDependencies) walk.reach(dependency, `${app.computedLoad.file} (computed require/import)`);
  await walk.settle();
  const widened = [...(app.computedLoad === undefined ? [] : [`${app.computedLoad.file}: ${app.computedLoad.call}`]), ...[...computedLoads.values()].sort()];
  return { walk, entry: { files: files.map((f) => relative(root, f)), appFiles: app.files.length, computedLoads: widened } };
}

/**
 * Packages reached and their analyses. A package without an `exports` map exposes every file: the
 * files other packages deep-import ("lodash/merge") are entry points too, so once every analysis is in,
 * such packages are analysed again with them (cached under a key that names the imports), until
 * nothing new is imported.
 */
class PackageWalk {
  private readonly packages = new Map<string, { pkg: InstalledPackage; reachedFrom: string; analysis?: PackageAnalysis; deep: Set<string> }>();
  private pending: Promise<void>[] = [];
  /** Called with each analysis as it arrives (the entry walk follows the package's loads from here). */
  onAnalysed: (pkg: InstalledPackage, analysis: PackageAnalysis) => void = () => {};

  constructor(
    private readonly analyses: PackageAnalyses,
    /** The installed packages a specifier loaded from a package names. */
    private readonly targetsOf: (from: InstalledPackage, spec: string) => InstalledPackage[],
  ) {}

  /** Audits a package (once), with a deep import of it when one is given; `from` says what loaded it first. */
  reach(pkg: InstalledPackage, from: string, deepImport?: string): void {
    let reached = this.packages.get(pkg.dir);
    if (!reached) {
      this.packages.set(pkg.dir, (reached = { pkg, reachedFrom: from, deep: new Set() }));
      this.analyse(reached, []);
    }
    if (deepImport !== undefined) reached.deep.add(deepImport);
  }

  /** A package specifier loaded by a reached package's counted code (`why`: the loader, as reachedFrom says it). */
  load(from: InstalledPackage, spec: string, why: string): void {
    for (const target of this.targetsOf(from, spec)) this.reach(target, why);
  }

  /** Waits for every analysis, then analyses deep-imported packages again until their entries stop growing. */
  async settle(): Promise<void> {
    for (;;) {
      while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
      const wanted = new Map<string, Set<string>>();
      for (const { pkg, analysis } of this.packages.values()) {
        for (const spec of analysis!.reach.deepImports) for (const target of this.targetsOf(pkg, spec)) wanted.set(target.dir, (wanted.get(target.dir) ?? new Set()).add(spec));
      }
      for (const reached of this.packages.values()) {
        for (const spec of [...(wanted.get(reached.pkg.dir) ?? []), ...reached.deep]) reached.deep.add(spec);
        const { analysis, deep } = reached;
        if (analysis!.reach.deepImportable && [...deep].some((spec) => !analysis!.reach.importedDeeply.includes(spec))) this.analyse(reached, [...deep].sort());
      }
      if (this.pending.length === 0) return;
    }
  }

  /** Every package reached with its analysis, in the tree's order. */
  reached(): { pkg: InstalledPackage; reachedFrom: string; analysis: PackageAnalysis }[] {
    return [...this.packages.values()].map(({ pkg, reachedFrom, analysis }) => ({ pkg, reachedFrom, analysis: analysis! })).sort((a, b) => compareInstalled(a.pkg, b.pkg));
  }

  private analyse(reached: { pkg: InstalledPackage; analysis?: PackageAnalysis }, importedDeeply: string[]): void {
    this.pending.push(
      this.analyses.analyze(reached.pkg, importedDeeply).then((analysis) => {
        reached.analysis = analysis;
        this.onAnalysed(reached.pkg, analysis);
      }),
    );
  }
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
