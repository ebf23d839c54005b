import type { Capability, InstallScript } from './capabilities.ts';

/** Where a capability was seen: a file (relative to the package folder, or to the audit root in reports) and a 1-based line. */
export interface Evidence {
  file: string;
  line: number;
  column: number;
  /** What was seen there, e.g. `require("child_process")` or `process.env.HOME`. */
  detail: string;
}

/** What the static analysis found in one package's shipped code; this is what the cache stores. */
export interface PackageAnalysis {
  /** Evidence per capability, the first few per capability (see `counts` for the totals). */
  capabilities: Partial<Record<Capability, Evidence[]>>;
  counts: Partial<Record<Capability, number>>;
  /** What the package's command-line tools (`bin`) do beyond the library: never part of the app's own run. */
  cli: { capabilities: Partial<Record<Capability, Evidence[]>>; counts: Partial<Record<Capability, number>> };
  reach: Reach;
  /** Built-in module → the members used ("*" when a use is not static). */
  builtins: Record<string, string[]>;
  /** process.env names read statically; "*" when some read is computed. */
  envNames: string[];
  /** Globals touched: fetch, XMLHttpRequest, WebSocket, eval, Function, WebAssembly, import(), require(). */
  globals: string[];
  /** Native code: `.node` files, binding.gyp, prebuilds (relative to the package folder). */
  native: string[];
  filesScanned: number;
  filesParsed: number;
  /** Files the parser could not read fully, with the first error. */
  parseErrors: { file: string; message: string }[];
}

/** Which files of a package count: those its entry points reach. */
export interface Reach {
  /** Library entry points (exports under Node conditions, main, module; index.js by default). */
  entries: string[];
  /** Command-line entry points (bin). */
  bin: string[];
  /** Files reached from the entries and bins (scanned). */
  reachedFiles: number;
  /** Code files nothing reaches (not counted), the first few by name. */
  unreached: string[];
  unreachedCount: number;
  /** Why every file of the package counts, when one does (a computed require/import, no entry point). */
  everyFile: string | undefined;
  /** The first computed require()/import() in counted code ("lib/load.js: require(name)"): any dependency may load too. */
  computedLoad: string | undefined;
  /** No `exports` map: other packages may load any file by a deep import ("lodash/merge"). */
  deepImportable: boolean;
  /** Packages this package's counted code loads by name (statically), for an entry-scoped audit's walk. */
  packages: string[];
  /** Deep imports of other packages this package's counted code makes ("lodash/merge"), for their reach. */
  deepImports: string[];
  /** Deep imports of this package by others that were added as entry points. */
  importedDeeply: string[];
}

/** One installed package (one name@version, wherever it is laid out). */
export interface InstalledPackage {
  name: string;
  version: string;
  /** Real folder on disk (absolute). */
  dir: string;
  /** Every place the package appears, relative to the root (symlinks included), sorted. */
  paths: string[];
  /** `name@version` of the packages that depend on it; "(root)" or a workspace's name for the project itself. */
  dependents: string[];
  integrity: string | undefined;
  /** Lifecycle scripts that run on install (an implicit `node-gyp rebuild` when binding.gyp exists). */
  installScripts: Partial<Record<InstallScript, string>>;
  bin: Record<string, string>;
  /** package.json relative to the root. */
  manifest: string;
}

/** A warning about input that the audit skipped or read partly (a malformed package.json or lockfile). */
export interface TreeWarning {
  file: string;
  message: string;
}

export type Severity = 'error' | 'warning' | 'info';

export const RULE_IDS = [
  'policy-version-mismatch',
  'will-be-denied',
  'over-privileged',
  'unreviewed-capability',
  'capability-drift',
  'install-script',
  'stale-policy-entry',
] as const;
/** A stable rule id, e.g. "capability-drift". */
export type RuleId = (typeof RULE_IDS)[number];

/** One rule violation. Files in `evidence` and `location` are relative to the audit root. */
export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  /** The package it is about ("name@version"), or the policy key for stale entries. */
  package: string;
  message: string;
  capability?: Capability;
  evidence: Evidence[];
  /** Primary location for code-scanning tools: the evidence, the package.json, or the policy entry. */
  location: { file: string; line: number };
}

/** One package as the report shows it: tree facts, detected capabilities and its policy status. */
export interface AuditedPackage extends Omit<InstalledPackage, 'dir'> {
  id: string;
  /** Package folder relative to the root. */
  dir: string;
  isolated: boolean;
  /** The policy key governing it, when there is one. */
  policyKey: string | undefined;
  /** Detected capabilities, sorted, with evidence relative to the root. */
  capabilities: { capability: Capability; count: number; evidence: Evidence[] }[];
  /** What its command-line tools do beyond the library (reported, not checked against the policy). */
  cli: { capability: Capability; count: number; evidence: Evidence[] }[];
  /**
   * With an entry scope: what loaded it first, an app file ("index.js") or a package ("express@4.22.3"),
   * marked "(computed require/import)" when a computed load brought it in.
   */
  reachedFrom?: string;
  analysis: Omit<PackageAnalysis, 'capabilities' | 'counts' | 'cli'>;
}

/** What `audit()` returns. */
export interface AuditReport {
  root: string;
  /** Policy file relative to the root, or undefined when none was used. */
  policyFile: string | undefined;
  packages: AuditedPackage[];
  findings: Finding[];
  warnings: TreeWarning[];
  /** Which packages were audited (see AuditOptions.scope); "entry": those the app's entry files reach (AuditOptions.entry). */
  scope: 'production' | 'development' | 'installed' | 'entry';
  /** With an entry scope: the entry files and what the walk from them found. */
  entry?: EntryScope;
  /** outOfScope: installed packages the scope left out (dev dependencies, isolate-deps' own toolchain, packages no entry reaches). */
  stats: { packages: number; outOfScope: number; filesScanned: number; filesParsed: number; cacheHits: number; durationMs: number };
}

/** How an entry-scoped audit chose its packages. */
export interface EntryScope {
  /** The entry files, relative to the root. */
  files: string[];
  /** How many of the app's own files the entries reach (the entries included). */
  appFiles: number;
  /**
   * Computed require()/import() calls that widened the walk to every declared dependency of their
   * package, or of the project for the app's own files ("index.js: require(name)", "moment@2.30.1 moment.js: require(...)").
   */
  computedLoads: string[];
}
