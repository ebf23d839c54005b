import { setImmediate as nextTurn } from 'node:timers/promises';
import { AnalysisCache } from './analysis-cache.ts';
import { AnalysisPool, defaultThreads, type AnalysisJob } from './analysis-pool.ts';
import { analyzePackage, contentHash, listPackageFiles, ScanMemo } from './analyze-package.ts';
import type { InstalledPackage, PackageAnalysis } from './types.ts';

// Below this many packages to analyse, starting threads costs more than it saves.
const MIN_JOBS_FOR_WORKERS = 32;

/** Where analyses run and who hears of them (see AuditOptions). */
export interface AnalysisSettings {
  workerScript?: string | URL | undefined;
  threads?: number | undefined;
  onProgress?: ((done: number, total: number, current: string) => void) | undefined;
}

/**
 * The analyses of one audit: served from the cache when the package is known, else run once per
 * cache key (the same name@version installed twice is analysed once), on worker threads when enough
 * packages may need it, else on this thread.
 */
export class PackageAnalyses {
  private readonly keys = new Map<string, { key: string; files?: ReturnType<typeof listPackageFiles> }>();
  private readonly running = new Map<string, Promise<PackageAnalysis>>();
  private readonly memo = new ScanMemo();
  private pool: AnalysisPool | undefined;
  private workersWanted = false;
  private requested = 0;
  private settled = 0;
  private analysedHere = 0;

  constructor(
    private readonly cache: AnalysisCache,
    private readonly settings: AnalysisSettings,
  ) {}

  /** Decides on worker threads from how many analyses may miss the cache; they start at the first miss. */
  expectMisses(count: number): void {
    const threads = this.settings.threads ?? defaultThreads();
    this.workersWanted = this.settings.workerScript !== undefined && threads > 1 && count >= MIN_JOBS_FOR_WORKERS;
  }

  /** Installed packages whose analysis is not cached, as far as the lockfile tells without reading their files. */
  possibleMisses(packages: InstalledPackage[]): number {
    return packages.filter((pkg) => !pkg.integrity || !this.cache.has(AnalysisCache.key(pkg.name, pkg.version, pkg.integrity))).length;
  }

  /** The cache key of a package: its lockfile integrity, else a hash of its files (listed once, reused for the analysis). */
  keyOf(pkg: InstalledPackage): string {
    let known = this.keys.get(pkg.dir);
    if (!known) {
      if (pkg.integrity) known = { key: AnalysisCache.key(pkg.name, pkg.version, pkg.integrity) };
      else {
        const files = listPackageFiles(pkg.dir);
        known = { key: AnalysisCache.key(pkg.name, pkg.version, contentHash(pkg.dir, files.code)), files };
      }
      this.keys.set(pkg.dir, known);
    }
    return known.key;
  }

  /** The analysis of a package, with deep imports of it by other packages as extra entries (sorted). */
  analyze(pkg: InstalledPackage, importedDeeply: string[] = []): Promise<PackageAnalysis> {
    const key = importedDeeply.length > 0 ? `${this.keyOf(pkg)}|deep:${importedDeeply.join(',')}` : this.keyOf(pkg);
    const running = this.running.get(key);
    if (running) return running;
    this.requested++;
    const cached = this.cache.get(key);
    const analysis = cached ? Promise.resolve(cached) : this.run({ dir: pkg.dir, files: this.keys.get(pkg.dir)!.files, importedDeeply });
    const stored = analysis.then((result) => {
      if (!cached) {
        this.cache.set(key, result);
        this.settings.onProgress?.(++this.settled, this.requested, pkg.name);
      } else this.settled++;
      return result;
    });
    this.running.set(key, stored);
    return stored;
  }

  /** Stops the worker threads, if any started. */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  private async run(job: AnalysisJob): Promise<PackageAnalysis> {
    if (this.workersWanted) {
      this.pool ??= new AnalysisPool(this.settings.workerScript!, this.settings.threads ?? defaultThreads());
      return this.pool.analyze(job);
    }
    // Let a progress line draw on long scans.
    if (++this.analysedHere % 25 === 0) await nextTurn();
    return analyzePackage(job.dir, job.files, job.importedDeeply, this.memo);
  }
}
