import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';

/** The parts of a package.json that decide which files Node can load from outside the package. */
export interface PackageManifest {
  name?: unknown;
  main?: unknown;
  module?: unknown;
  exports?: unknown;
  imports?: unknown;
  bin?: unknown;
}

// Conditions that never apply to Node (types, browsers, other runtimes): their targets are not entry points.
const NOT_NODE = new Set(['types', 'typings', 'browser', 'deno', 'bun', 'worker', 'workerd', 'react-native', 'edge-light', 'electron']);
const EXTENSIONS = ['', '.js', '.cjs', '.mjs', '.jsx', '/index.js', '/index.cjs', '/index.mjs'];

/** The code files of a package as the resolver asks about them: membership, and the full list for `*` patterns. */
export type CodeFiles = Pick<ReadonlySet<string>, 'has'> & Iterable<string>;

/** Reads a package.json (an empty manifest when it is missing or malformed: every file then counts). */
export function readManifest(dir: string): PackageManifest {
  try {
    const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as unknown;
    return json !== null && typeof json === 'object' ? (json as PackageManifest) : {};
  } catch {
    return {};
  }
}

/**
 * Resolves specifiers to code files inside one package: relative paths, the package's own name
 * (self-reference through `exports`), `#imports`. Other packages resolve to nothing (they have their own analysis).
 */
export class PackageResolver {
  /** The package's own name (what it self-references). */
  readonly name: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly manifest: PackageManifest,
    private readonly code: CodeFiles,
    private readonly extensions: readonly string[] = EXTENSIONS,
  ) {
    this.name = typeof manifest.name === 'string' ? manifest.name : undefined;
  }

  /** Other packages that `#imports` among `specs` map to ("#dep": "other-package"): loaded as packages, not files. */
  packagesImported(specs: Iterable<string>): string[] {
    const imports = this.manifest.imports;
    if (imports === null || typeof imports !== 'object') return [];
    const names: string[] = [];
    for (const spec of specs) {
      if (!spec.startsWith('#')) continue;
      for (const target of this.mapTargetStrings(imports as Record<string, unknown>, spec)) {
        if (!target.startsWith('.') && !target.startsWith('/') && !target.includes(':')) names.push(packageNameOf(target));
      }
    }
    return names;
  }

  /** Files the library exposes: every `exports` target under a Node condition, else `main` (default index.js); `module` too. */
  libraryEntries(): string[] {
    const entries: string[] = [];
    if (this.manifest.exports !== undefined && this.manifest.exports !== null) entries.push(...this.exportTargets(undefined));
    if (typeof this.manifest.main === 'string') entries.push(...this.file(this.manifest.main));
    else if (this.manifest.exports === undefined) entries.push(...this.file('index'));
    if (typeof this.manifest.module === 'string') entries.push(...this.file(this.manifest.module));
    return [...new Set(entries)];
  }

  /** Files of the package's command-line tools. */
  binEntries(): string[] {
    const bin = this.manifest.bin;
    const targets = typeof bin === 'string' ? [bin] : bin !== null && typeof bin === 'object' ? Object.values(bin).filter((b): b is string => typeof b === 'string') : [];
    return [...new Set(targets.flatMap((t) => this.file(t)))];
  }

  /** The files `spec`, loaded from `from`, may be (more than one when a pattern or condition leaves it open). */
  resolve(from: string, spec: string): string[] {
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') return this.file(path.posix.join(path.posix.dirname(from), spec));
    if (this.name !== undefined && (spec === this.name || spec.startsWith(`${this.name}/`))) return this.subpath(`.${spec.slice(this.name.length)}`);
    if (spec.startsWith('#') && this.manifest.imports !== null && typeof this.manifest.imports === 'object') {
      return this.mapTargets(this.manifest.imports as Record<string, unknown>, spec);
    }
    return [];
  }

  /** The files another package loads by this package's name and `subpath` ("." or "./sub"). */
  subpath(subpath: string): string[] {
    if (this.manifest.exports !== undefined && this.manifest.exports !== null) return this.exportTargets(subpath);
    return subpath === '.' ? this.libraryEntries() : this.file(subpath);
  }

  private exportTargets(subpath: string | undefined): string[] {
    const field = this.manifest.exports;
    const map = typeof field === 'object' && field !== null && !Array.isArray(field) && Object.keys(field).some((k) => k.startsWith('.')) ? (field as Record<string, unknown>) : { '.': field };
    return this.mapTargets(map, subpath);
  }

  /** Targets of an `exports`/`imports` map for one key (undefined: every key), with `*` patterns expanded. */
  private mapTargets(map: Record<string, unknown>, key: string | undefined): string[] {
    const out: string[] = [];
    for (const { target, capture } of this.matches(map, key)) {
      if (capture === '*' && target.includes('*')) out.push(...this.expand(target));
      else out.push(...this.file(capture === undefined ? target : target.replaceAll('*', capture)));
    }
    return [...new Set(out)];
  }

  /** The target strings of an `imports` map for one key, patterns filled in. */
  private mapTargetStrings(map: Record<string, unknown>, key: string): string[] {
    return this.matches(map, key).map(({ target, capture }) => (capture === undefined ? target : target.replaceAll('*', capture)));
  }

  /** Each target under a Node condition of the map entries `key` matches, with what its `*` captured. */
  private matches(map: Record<string, unknown>, key: string | undefined): { target: string; capture: string | undefined }[] {
    const out: { target: string; capture: string | undefined }[] = [];
    for (const [pattern, value] of Object.entries(map)) {
      const star = pattern.indexOf('*');
      let capture: string | undefined;
      if (key === undefined) capture = star < 0 ? undefined : '*';
      else if (star < 0) {
        if (pattern !== key) continue;
      } else {
        const before = pattern.slice(0, star);
        const after = pattern.slice(star + 1);
        if (!key.startsWith(before) || !key.endsWith(after) || key.length < before.length + after.length) continue;
        capture = key.slice(before.length, key.length - after.length);
      }
      for (const target of conditionTargets(value)) out.push({ target, capture });
    }
    return out;
  }

  /** Every code file a target pattern like `./lib/*.js` matches. */
  private expand(target: string): string[] {
    const normal = path.posix.normalize(target);
    const [before, after] = [normal.slice(0, normal.indexOf('*')), normal.slice(normal.indexOf('*') + 1)];
    return [...this.code].filter((f) => f.startsWith(before) && f.endsWith(after) && f.length >= before.length + after.length);
  }

  /** The code file a path inside the package names, trying Node's extensions, index files and a folder's own main. */
  private file(relative: string): string[] {
    const base = path.posix.normalize(relative).replace(/^\.\//, '').replace(/\/$/, '');
    if (base.startsWith('..') || path.posix.isAbsolute(base)) return [];
    for (const ext of this.extensions) {
      const candidate = (base === '.' ? '' : base) + ext;
      if (this.code.has(candidate.replace(/^\//, ''))) return [candidate.replace(/^\//, '')];
    }
    const nested = path.join(this.dir, base, 'package.json');
    if (base !== '.' && existsSync(nested)) {
      const main = readManifest(path.join(this.dir, base)).main;
      if (typeof main === 'string') {
        const inner = path.posix.join(base, main);
        if (inner !== base) return this.file(inner);
      }
    }
    return [];
  }
}

/** Every target string under Node-applicable conditions of one exports value. */
function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(conditionTargets);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([condition, target]) => (NOT_NODE.has(condition) ? [] : conditionTargets(target)));
}

/** A specifier that names an installed package ("ws", "lodash/merge", "punycode/"), not a file, `#import`, URL or built-in. */
export function packageSpecifier(spec: string): boolean {
  if (spec === '' || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('#') || spec.includes(':')) return false;
  return !isBuiltin(spec);
}

/** "lodash/merge", "@scope/pkg/sub" (a file inside another package), not "./x", "#x", "node:fs" or a bare name. */
export function isDeepImport(spec: string): boolean {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('#') || spec.includes(':')) return false;
  return spec.split('/').length > (spec.startsWith('@') ? 2 : 1);
}

/** The package name a deep import names ("@scope/pkg/sub" → "@scope/pkg"). */
export function packageNameOf(spec: string): string {
  return spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
}
