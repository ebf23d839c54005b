import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PackageAnalysis } from './types.ts';

// Bump when the analysis changes what it finds, so old cached results are not reused.
const ANALYSIS_VERSION = 4;

/** Cached package analyses keyed by integrity (or content hash); one JSON file, read once and written once. */
export class AnalysisCache {
  private readonly entries: Map<string, PackageAnalysis>;
  private readonly used = new Set<string>();
  private dirty = false;
  hits = 0;

  constructor(private readonly file: string | undefined) {
    this.entries = new Map(file ? readCacheFile(file) : []);
  }

  /** The cache key of one package version with a known integrity or content hash. */
  static key(name: string, version: string, integrity: string): string {
    return `${ANALYSIS_VERSION}|${name}@${version}|${integrity}`;
  }

  get(key: string): PackageAnalysis | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      this.used.add(key);
    }
    return hit;
  }

  /** Whether an analysis is stored under the key, without counting a hit. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, analysis: PackageAnalysis): void {
    this.entries.set(key, analysis);
    this.used.add(key);
    this.dirty = true;
  }

  /** Writes the entries used in this run (others belong to packages no longer installed). */
  save(): void {
    if (!this.file || (!this.dirty && this.used.size === this.entries.size)) return;
    const kept = Object.fromEntries([...this.entries].filter(([key]) => this.used.has(key)));
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ version: ANALYSIS_VERSION, entries: kept }));
    renameSync(temporary, this.file);
  }
}

function readCacheFile(file: string): [string, PackageAnalysis][] {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; entries?: Record<string, PackageAnalysis> };
    return json.version === ANALYSIS_VERSION && json.entries ? Object.entries(json.entries) : [];
  } catch {
    // A missing or damaged cache only costs a cold run.
    return [];
  }
}

/** Where the cache lives by default: node_modules/.cache, like other tools' caches. */
export function defaultCacheFile(root: string): string {
  return path.join(root, 'node_modules', '.cache', 'isolate-deps', 'audit.json');
}
