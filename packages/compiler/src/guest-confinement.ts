import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { BuildFailure, Plugin } from 'esbuild';
import { GUEST_DIR } from './guest-modules.ts';
import { locatePackage } from './locate-package.ts';

/** A guest bundle refused an import of the isolated package: it would have pulled host data into the component. */
export class GuestImportError extends Error {
  readonly code = 'ERR_GUEST_IMPORT_REFUSED';
}

const CONFINEMENT_PLUGIN = 'isolate-deps-guest-confinement';
const MAX_FILES_SHOWN = 20;

/** pluginData of a guest module the compiler itself resolved (a built-in's stand-in, a denied interface). */
export const GUEST_MODULE = Symbol('isolate-deps-guest-module');

export interface ConfinementOptions {
  packageName: string;
  /** Where the app resolves the package from (the project root). */
  resolveDir: string;
  /** Absolute path esbuild gives the bundle's generated entry module. */
  entryFile: string;
  /** Node built-ins: the guest environment's stand-ins answer them, never the host. */
  isBuiltin: (specifier: string) => boolean;
  /**
   * Test seam: the package may import the guest environment's host interfaces (`isolate:guest/*`) itself, as a
   * guest that subverted the environment's own code (a patched JSON.stringify, say) could call them. The host
   * enforces the grant either way, and a denied interface still resolves to its refusing stand-in: this only
   * skips the guest environment's own checks, so tests can attack the host directly.
   */
  hostInterfacesFromPackage?: boolean;
}

/** The only files a guest is built from. Any other loader (text, binary, file, copy) would inline host bytes. */
const GUEST_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.json']);
/** file:, data:, http:, …; `node:` names a built-in and is handled before. */
const URL_SCHEME = /^[a-z][a-z\d+.-]*:/i;
const PACKAGE_NAME = /^(?:@[a-z\d~-][\w.~-]*\/)?[a-z\d~-][\w.~-]*$/i;
/** What esbuild may append to a relative import of the guest environment's own files (workspace sources). */
const GUEST_SUFFIXES = ['', '.js', '.ts', '/index.js', '/index.ts'];

/**
 * Confines a guest bundle to the isolated package's folder, the folders of the packages its files import by
 * name (each found as Node finds it from the importing file: node_modules upwards, realpath), and the guest
 * environment. Imports are checked where they are written (absolute paths, `..` out of the package, URLs,
 * import attributes, the guest environment's host interfaces); every file esbuild then loads is checked after
 * realpath (symlinks, tsconfig paths, computed require() patterns that esbuild expands to files) and must be
 * JavaScript or JSON. A refusal names the package, the importing file and the specifier (for load-time
 * checks esbuild adds the importing line). Registered before every other plugin; it never resolves anything
 * itself, so esbuild's own resolution (and the bundle text) is unchanged for packages that pass.
 */
export function guestConfinement(options: ConfinementOptions): Plugin {
  const guestDir = realpathSync(GUEST_DIR);
  const projectDir = realpathSync(options.resolveDir);
  const isolated = locatePackage(options.packageName, options.resolveDir).dir;
  /** Package folders whose files may go into the bundle. */
  const roots = new Set<string>([isolated]);
  /** Folders of the guest environment's own libraries (workspace sources only; the published guest is one folder). */
  const guestRoots = new Set<string>();
  /** Files of the guest environment that its own modules import. */
  const guestFiles = new Set<string>();
  const located = new Map<string, string | undefined>();

  const realpaths = new Map<string, string>();
  const real = (file: string) => realpaths.get(file) ?? realpaths.set(file, realpathSync(file)).get(file)!;
  const rootOf = (file: string) => longest([...roots].filter((root) => isInside(file, root)));
  const isGuestFile = (file: string) => isInside(file, guestDir) || [...guestRoots].some((root) => isInside(file, root));
  const dependencyDir = (name: string, fromDir: string) => {
    const key = `${fromDir}\0${name}`;
    if (!located.has(key)) {
      try {
        located.set(key, locatePackage(name, fromDir).dir);
      } catch {
        located.set(key, undefined); // not installed: whatever esbuild finds instead is refused when it loads
      }
    }
    return located.get(key);
  };

  return {
    name: CONFINEMENT_PLUGIN,
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const specifier = args.path;
        const fromEntry = args.importer === options.entryFile;
        if (args.namespace !== 'file' || (fromEntry && path.isAbsolute(specifier)) || (!fromEntry && isGuestFile(real(args.importer)))) {
          // The guest environment: its built-in stand-ins, its config, its own modules and (workspace) libraries.
          if (isRelativeOrAbsolute(specifier)) for (const suffix of GUEST_SUFFIXES) guestFiles.add(path.resolve(args.resolveDir, specifier) + suffix);
          else if (!URL_SCHEME.test(specifier) && args.namespace === 'file') {
            const dir = dependencyDir(packageNameOf(specifier), args.resolveDir);
            if (dir !== undefined) guestRoots.add(dir);
          }
          return undefined;
        }

        const importerRoot = fromEntry ? undefined : rootOf(real(args.importer));
        const refuse = (reason: string) => ({
          errors: [{ text: `isolate-deps: "${options.packageName}" may not import "${specifier}" (from ${fromEntry ? 'the guest entry' : displayPath(args.importer, importerRoot)}): ${reason} [ERR_GUEST_IMPORT_REFUSED]` }],
        });
        if (!fromEntry && importerRoot === undefined) return refuse('the importing file is neither part of the package nor of the guest environment');
        const attributes = Object.entries(args.with);
        if (attributes.length > 0 && !(attributes.length === 1 && args.with['type'] === 'json' && path.extname(specifier) === '.json')) {
          return refuse(`import attributes (${attributes.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')}) are not allowed; only { type: "json" } on a .json file`);
        }
        if (specifier.startsWith('isolate:guest/') && options.hostInterfacesFromPackage) return undefined;
        if (specifier.startsWith('isolate:') || specifier.startsWith('isolate-deps:')) return refuse("only the guest environment's own modules may import its host interfaces");
        if (options.isBuiltin(specifier) || specifier.startsWith('node:')) return undefined; // the stand-ins (an unknown node: name fails in esbuild)
        if (path.isAbsolute(specifier) || specifier.startsWith('\\') || /^[a-z]:[\\/]/i.test(specifier)) return refuse('absolute paths are not allowed; a package imports its own files by relative path and other packages by name');
        if (URL_SCHEME.test(specifier)) return refuse('URL imports (file:, data:, http:, …) are not allowed');
        if (isRelativeOrAbsolute(specifier)) {
          const target = realTarget(path.resolve(args.resolveDir, specifier));
          if (importerRoot === undefined || !isInside(target, importerRoot)) return refuse(`it leads to ${target}, outside the package folder ${importerRoot ?? '(none)'}`);
          return undefined;
        }
        if (fromEntry) return packageNameOf(specifier) === options.packageName ? undefined : refuse(`the entry serves only "${options.packageName}"`);
        if (specifier.startsWith('#')) {
          // The package's own "imports" map: the packages it names are dependencies; every file it leads to is checked when it loads.
          for (const target of importsTargets(importerRoot!)) {
            const dir = dependencyDir(packageNameOf(target), args.resolveDir);
            if (dir !== undefined && !isInside(projectDir, dir)) roots.add(dir);
          }
          return undefined;
        }
        const name = packageNameOf(specifier);
        if (!PACKAGE_NAME.test(name)) return refuse(`"${name}" is not a package name`);
        const dir = dependencyDir(name, args.resolveDir);
        if (dir !== undefined) {
          if (isInside(projectDir, dir)) return refuse(`"${name}" is installed at ${dir}, which holds the project itself`);
          roots.add(dir);
        }
        return undefined;
      });

      build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        const file = real(args.path);
        const refuse = (reason: string) => ({
          // The file goes in `detail`: bundleGuest lists the files of one import (a computed require() has many) under it.
          errors: [{ text: `isolate-deps: "${options.packageName}" may not bundle what this import leads to: ${reason} [ERR_GUEST_IMPORT_REFUSED]`, detail: file }],
        });
        if (isInside(file, guestDir)) {
          if (args.pluginData === GUEST_MODULE || guestFiles.has(args.path) || guestFiles.has(file)) return undefined;
          return refuse("the guest environment's own files, which only the guest environment imports");
        }
        if ([...guestRoots].some((root) => isInside(file, root)) && rootOf(file) === undefined) return undefined;
        if (rootOf(file) === undefined) return refuse('files outside the package and the packages it imports (through a symlink, a path mapping or a computed require()/import())');
        if (!GUEST_EXTENSIONS.has(path.extname(file).toLowerCase())) return refuse('files other than JavaScript (.js, .mjs, .cjs) and JSON, which is all that goes into a guest');
        return undefined;
      });
    },
  };
}

/**
 * The refusals of a failed guest build as one GuestImportError (undefined when the build failed otherwise):
 * each with where the import is, and the files a computed require()/import() would have pulled in under it.
 */
export function confinementError(error: unknown): GuestImportError | undefined {
  const refused = (error as Partial<BuildFailure>).errors?.filter((e) => e.pluginName === CONFINEMENT_PLUGIN) ?? [];
  if (refused.length === 0) return undefined;
  const filesByMessage = new Map<string, Set<string>>();
  for (const e of refused) {
    const at = e.location;
    const message = at ? `${e.text}\n    at ${at.file}:${at.line}:${at.column}: ${at.lineText.trim()}` : e.text;
    const files = filesByMessage.get(message) ?? new Set<string>();
    if (typeof e.detail === 'string') files.add(e.detail);
    filesByMessage.set(message, files);
  }
  const text = [...filesByMessage].map(([message, files]) => {
    const sorted = [...files].sort();
    const shown = sorted.slice(0, MAX_FILES_SHOWN).map((f) => `\n      ${f}`).join('');
    return `${message}${shown}${sorted.length > MAX_FILES_SHOWN ? `\n      … and ${sorted.length - MAX_FILES_SHOWN} more` : ''}`;
  });
  return new GuestImportError(text.join('\n'), { cause: error });
}

/** The bare package targets of a package.json "imports" map ("#ansi": { "node": "ansi-styles" } → "ansi-styles"). */
function importsTargets(root: string): string[] {
  let imports: unknown;
  try {
    imports = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { imports?: unknown }).imports;
  } catch {
    return [];
  }
  const targets: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.startsWith('.') && !value.startsWith('/') && !URL_SCHEME.test(value) && PACKAGE_NAME.test(packageNameOf(value))) targets.push(value);
    } else if (value !== null && typeof value === 'object') for (const child of Object.values(value)) collect(child);
  };
  collect(imports);
  return targets;
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function longest(paths: string[]): string | undefined {
  return paths.sort((a, b) => b.length - a.length)[0];
}

function isRelativeOrAbsolute(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../') || path.isAbsolute(specifier);
}

/** Where a relative import leads after symlinks: the file if it exists, else its folder (esbuild adds an extension). */
function realTarget(target: string): string {
  if (existsSync(target)) return realpathSync(target);
  const dir = path.dirname(target);
  return existsSync(dir) ? path.join(realpathSync(dir), path.basename(target)) : target;
}

/** "ms/index.js" → "ms", "@scope/pkg/sub" → "@scope/pkg". */
function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** A package file as "<package name>/<path in it>", which reads the same wherever the app lives. */
function displayPath(file: string, root: string | undefined): string {
  if (root === undefined) return file;
  let name = path.basename(root);
  try {
    name = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string }).name ?? name;
  } catch {
    // no readable manifest: the folder name says enough
  }
  return `${name}/${path.relative(root, realpathSync(file)).split(path.sep).join('/')}`;
}
