import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import type { Capability } from './capabilities.ts';
import { isDeepImport, PackageResolver, packageNameOf, packageSpecifier, readManifest } from './entry-points.ts';
import { scanFile, type FileScan } from './scan-file.ts';
import type { Evidence, PackageAnalysis } from './types.ts';

/** How many pieces of evidence a package keeps per capability (the count keeps the total). */
export const EVIDENCE_PER_CAPABILITY = 20;
/** How many unreached files an analysis lists by name (the count keeps the total). */
const UNREACHED_LISTED = 20;

const CODE = /\.(?:c|m)?jsx?$/;
const NATIVE = /\.node$|^binding\.gyp$/;

/** The files of a package the audit reads: shipped code and native artefacts (never nested node_modules). */
export function listPackageFiles(dir: string): { code: string[]; native: string[] } {
  const code: string[] = [];
  const native: string[] = [];
  // A plain recursive readdir: one fast-glob call per package costs more than the walk itself.
  const walk = (relative: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(relative ? `${dir}/${relative}` : dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(file);
      } else if (entry.isFile()) {
        if (CODE.test(entry.name)) code.push(file);
        else if (NATIVE.test(entry.name) || file.startsWith('prebuilds/')) native.push(file);
      }
    }
  };
  walk('');
  code.sort();
  native.sort();
  return { code, native };
}

/** A hash of the package's shipped files, for packages whose lockfile gives no integrity. */
export function contentHash(dir: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const file of ['package.json', ...files]) {
    hash.update(file);
    try {
      hash.update(readFileSync(`${dir}/${file}`));
    } catch {
      hash.update('<unreadable>');
    }
  }
  return `content-sha256-${hash.digest('base64')}`;
}

/** A file's scan, or why it could not be read. */
type StoredScan = { scan: FileScan; unreadable?: undefined } | { scan?: undefined; unreadable: string };

/**
 * Per package folder, the file scans of packages that may be analysed again with deep imports as extra
 * entries (no `exports` map): the second analysis then scans only the files the new entries add.
 */
export class ScanMemo {
  private readonly byDir = new Map<string, Map<string, StoredScan>>();

  /** The scans of one package, kept only when it can be deep-imported (else a throwaway map). */
  scansOf(dir: string, deepImportable: boolean): Map<string, StoredScan> {
    if (!deepImportable) return new Map();
    let scans = this.byDir.get(dir);
    if (!scans) this.byDir.set(dir, (scans = new Map()));
    return scans;
  }
}

/** Evidence and counts per capability, filled in file order. */
class CapabilityLog {
  readonly capabilities: Partial<Record<Capability, Evidence[]>> = {};
  readonly counts: Partial<Record<Capability, number>> = {};
  add(capability: Capability, evidence: Evidence): void {
    const list = (this.capabilities[capability] ??= []);
    if (list.length < EVIDENCE_PER_CAPABILITY) list.push(evidence);
    this.counts[capability] = (this.counts[capability] ?? 0) + 1;
  }
}

/**
 * Analyses one package: the files its entry points reach (`exports` under Node conditions, `main`,
 * and what those load statically inside the package) are the library's capabilities; the files its
 * `bin` entries reach besides are the CLI's. Files nothing reaches are listed, not counted, unless a
 * computed require()/import() (or no entry point at all) means any file may run.
 */
export function analyzePackage(dir: string, files = listPackageFiles(dir), importedDeeply: string[] = [], memo?: ScanMemo): PackageAnalysis {
  const manifest = readManifest(dir);
  const resolver = new PackageResolver(dir, manifest, new Set(files.code));
  const analysis: PackageAnalysis = {
    capabilities: {},
    counts: {},
    cli: { capabilities: {}, counts: {} },
    reach: { entries: [], bin: [], reachedFiles: 0, unreached: [], unreachedCount: 0, everyFile: undefined, computedLoad: undefined, deepImportable: manifest.exports === undefined || manifest.exports === null, packages: [], deepImports: [], importedDeeply },
    builtins: {},
    envNames: [],
    globals: [],
    native: files.native,
    filesScanned: 0,
    filesParsed: 0,
    parseErrors: [],
  };
  // A scan is the file's alone: a package analysed again (deep imports as extra entries) reuses its scans.
  const scans = (memo ?? new ScanMemo()).scansOf(dir, analysis.reach.deepImportable);
  // The files this analysis scans, in order (counted at the end, memo or not).
  const scanned: string[] = [];
  const analysed = new Set<string>();
  const scanOf = (file: string): FileScan | undefined => {
    let stored = scans.get(file);
    if (!stored) {
      try {
        stored = { scan: scanFile(file, readFileSync(`${dir}/${file}`, 'utf8')) };
      } catch (error) {
        stored = { unreadable: (error as Error).message };
      }
      scans.set(file, stored);
    }
    if (!analysed.has(file)) (analysed.add(file), scanned.push(file));
    return stored.scan;
  };
  // Breadth-first from the entries, so evidence comes in order of distance from what the app loads.
  const reach = (entries: string[], known: ReadonlySet<string> = new Set()): string[] => {
    const order = entries.filter((f) => !known.has(f));
    const seen = new Set([...known, ...order]);
    for (let i = 0; i < order.length; i++) {
      const file = order[i]!;
      for (const spec of scanOf(file)?.specifiers ?? []) {
        for (const target of resolver.resolve(file, spec)) if (!seen.has(target)) (seen.add(target), order.push(target));
      }
    }
    return order;
  };
  const bin = resolver.binEntries();
  // A command-line file that `exports` also lists (marked's "./bin/marked") is still the CLI.
  // What other packages load by deep imports ("lodash/merge") counts as library entries too.
  const deep = importedDeeply.flatMap((spec) => resolver.resolve('', spec));
  const entries = [...new Set([...resolver.libraryEntries(), ...deep])].filter((f) => !bin.includes(f));
  let library = reach(entries);
  if (entries.length === 0 && bin.length === 0 && files.code.length > 0) analysis.reach.everyFile = 'no entry point (exports, main, index.js or bin) resolves to a file';
  const computed = library.find((f) => scanOf(f)?.computedLoad !== undefined);
  if (computed !== undefined) {
    analysis.reach.computedLoad = `${computed}: ${scanOf(computed)!.computedLoad}`;
    analysis.reach.everyFile = `${computed} loads a computed path: ${scanOf(computed)!.computedLoad}`;
  }
  if (analysis.reach.everyFile !== undefined) library = [...library, ...files.code.filter((f) => !library.includes(f))];
  const librarySet = new Set(library);
  let cli = reach(bin, librarySet);
  // A computed load in the CLI widens the CLI only.
  if (analysis.reach.everyFile === undefined && cli.some((f) => scanOf(f)?.computedLoad !== undefined)) cli = [...cli, ...files.code.filter((f) => !librarySet.has(f) && !cli.includes(f))];
  const cliSet = new Set(cli);
  const unreached = files.code.filter((f) => !librarySet.has(f) && !cliSet.has(f));
  const deepImports = new Set<string>();
  const packages = new Set<string>();
  for (const file of library) {
    for (const spec of scanOf(file)?.specifiers ?? []) {
      if (isDeepImport(spec)) deepImports.add(spec);
      const name = packageSpecifier(spec) ? packageNameOf(spec) : undefined;
      if (name !== undefined && name !== resolver.name) packages.add(name);
    }
    for (const name of resolver.packagesImported(scanOf(file)?.specifiers ?? [])) packages.add(name);
  }
  analysis.reach = {
    ...analysis.reach,
    entries,
    bin,
    reachedFiles: library.length + cli.length,
    unreached: unreached.slice(0, UNREACHED_LISTED),
    unreachedCount: unreached.length,
    packages: [...packages].sort(),
    deepImports: [...deepImports].sort(),
  };

  const libraryLog = new CapabilityLog();
  const cliLog = new CapabilityLog();
  for (const file of files.native) libraryLog.add('native', { file, line: 1, column: 1, detail: file.endsWith('.gyp') ? 'binding.gyp (node-gyp build)' : file.endsWith('.node') ? 'native addon' : 'prebuilt binary' });
  const builtins = new Map<string, Set<string>>();
  const envNames = new Set<string>();
  const globals = new Set<string>();
  for (const [log, list] of [[libraryLog, library], [cliLog, cli]] as const) {
    for (const file of list) {
      const scan = scanOf(file);
      if (!scan) continue;
      for (const s of scan.sightings) log.add(s.capability, { file, line: s.line, column: s.column, detail: s.detail });
      if (log === cliLog) continue;
      for (const [module, members] of scan.builtins) {
        const merged = builtins.get(module) ?? new Set();
        for (const m of members) merged.add(m);
        builtins.set(module, merged);
      }
      for (const name of scan.envNames) envNames.add(name);
      for (const name of scan.globals) globals.add(name);
    }
  }
  // Counted in the order a fresh analysis scans, whether or not the scans came from the memo.
  for (const file of scanned) {
    const stored = scans.get(file)!;
    if (stored.scan === undefined) {
      analysis.parseErrors.push({ file, message: `unreadable: ${stored.unreadable}` });
      continue;
    }
    analysis.filesScanned++;
    if (stored.scan.parsed) analysis.filesParsed++;
    if (stored.scan.parseError !== undefined) analysis.parseErrors.push({ file, message: stored.scan.parseError });
  }
  analysis.capabilities = libraryLog.capabilities;
  analysis.counts = libraryLog.counts;
  analysis.cli = { capabilities: cliLog.capabilities, counts: cliLog.counts };
  analysis.builtins = Object.fromEntries([...builtins].sort(([a], [b]) => a.localeCompare(b)).map(([m, s]) => [m, [...s].sort()]));
  analysis.envNames = [...envNames].sort();
  analysis.globals = [...globals].sort();
  return analysis;
}
