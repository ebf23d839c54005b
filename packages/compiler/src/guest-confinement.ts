import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { OnLoadArgs, OnResolveArgs, OnResolveResult, Plugin, PluginBuild, ResolveOptions } from 'esbuild';
import { GUEST_DIR } from './guest-modules.ts';
import { locatePackage } from './locate-package.ts';

/** A guest bundle refused an import of the isolated package: it would have pulled host data into the component. */
export class GuestImportError extends Error {
  readonly code = 'ERR_GUEST_IMPORT_REFUSED';
}

export const CONFINEMENT_PLUGIN = 'isolate-deps-guest-confinement';

export interface ConfinementOptions {
  packageName: string;
  /** Where the app resolves the package from (the project root). */
  resolveDir: string;
  /** Absolute path esbuild gives the bundle's generated entry module. */
  entryFile: string;
  /** Node built-ins: resolved by the guest environment's own rules (stand-ins), never from the host. */
  isBuiltin: (specifier: string) => boolean;
}

/** The only files a guest may be built from: JavaScript and JSON. Anything else needs a loader that inlines host bytes. */
const GUEST_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.json']);
/** Schemes (file:, data:, http:, …); `node:` names a built-in and is handled before. */
const URL_SCHEME = /^[a-z][a-z\d+.-]*:/i;
const PACKAGE_NAME = /^(?:@[a-z\d~-][\w.~-]*\/)?[a-z\d~-][\w.~-]*$/i;
/** Marks this plugin's own nested resolutions, so that its hook lets the other rules answer them. */
const RESOLVING = Symbol('isolate-deps-confinement');

/**
 * Confines what esbuild may put into a guest: the isolated package's own folder and the packages it depends
 * on (each found as Node finds it from inside the importing package, every path checked after realpath),
 * as JavaScript and JSON only; plus the guest environment. Everything else the package imports (absolute
 * paths, `..` out of its folder, symlinks out of it, /proc, URLs, import attributes, other loaders, the guest
 * environment's raw host interfaces) fails the build with the package, the importing file and the specifier.
 * Registered before every other plugin: it sees each import first and lets the others resolve it.
 */
export function guestConfinement(options: ConfinementOptions): Plugin {
  const guestDir = realpathSync(GUEST_DIR);
  const projectDir = realpathSync(options.resolveDir);
  /** Files the guest environment reached (in the workspace, also its npm libraries). */
  const guestFiles = new Set<string>();
  /** Each package file let in → the folder of the package it belongs to. */
  const packageOf = new Map<string, string>();
  const roots = new Set<string>();

  const refusal = (specifier: string, importer: string, reason: string): OnResolveResult => ({
    errors: [{ text: `isolate-deps: "${options.packageName}" may not import "${specifier}" (from ${displayPath(importer, packageOf.get(importer))}): ${reason} [ERR_GUEST_IMPORT_REFUSED]` }],
  });

  return {
    name: CONFINEMENT_PLUGIN,
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING || args.kind === 'entry-point') return undefined;
        if (args.importer === options.entryFile) {
          // The generated entry imports the guest environment's server and the package's own specifiers.
          if (path.isAbsolute(args.path) && isInside(realpathSync(args.path), guestDir)) return resolveAsGuest(build, args, guestFiles);
          return confine(build, args, undefined, options.resolveDir);
        }
        if (args.namespace !== 'file' || guestFiles.has(args.importer)) return resolveAsGuest(build, args, guestFiles);
        const root = packageOf.get(args.importer);
        if (root === undefined) return refusal(args.path, args.importer, 'the importing file is neither part of the package nor of the guest environment');
        return confine(build, args, root, path.dirname(args.importer));
      });

      // esbuild expands a computed require()/import() ("./locale/" + name) over every matching file without
      // asking any onResolve hook: a file no hook let in must still lie inside one of the package folders.
      build.onLoad({ filter: /.*/, namespace: 'file' }, (args: OnLoadArgs) => {
        if (guestFiles.has(args.path) || packageOf.has(args.path)) return undefined;
        const real = realpathSync(args.path);
        const root = [...roots].filter((r) => isInside(real, r)).sort((a, b) => b.length - a.length)[0];
        // One message per computed import (bundleGuest groups them); the file goes in `detail`.
        const refuse = (reason: string) => ({
          errors: [{ text: `isolate-deps: "${options.packageName}" pulls in files through a computed require()/import() path: ${reason} [ERR_GUEST_IMPORT_REFUSED]`, detail: real }],
        });
        if (root === undefined || isInside(real, guestDir)) return refuse('they are outside the package and its dependencies');
        if (!GUEST_EXTENSIONS.has(path.extname(real).toLowerCase())) return refuse('only JavaScript (.js, .mjs, .cjs) and JSON files go into a guest');
        packageOf.set(args.path, root);
        return undefined;
      });
    },
  };

  /** Checks one import of package code (or of the entry, importerRoot undefined) and resolves it. */
  async function confine(build: PluginBuild, args: OnResolveArgs, importerRoot: string | undefined, lookupFrom: string): Promise<OnResolveResult | undefined> {
    const specifier = args.path;
    const refuse = (reason: string) => refusal(specifier, args.importer, reason);
    const attributes = Object.entries(args.with);
    const jsonAttribute = attributes.length === 1 && args.with['type'] === 'json';
    if (attributes.length > 0 && !jsonAttribute) return refuse(`import attributes (${attributes.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')}) are not allowed; only { type: "json" } on a .json file`);
    if (specifier.startsWith('isolate:') || specifier.startsWith('isolate-deps:')) return refuse("only the guest environment's own modules may import its host interfaces");
    // Built-ins get the guest environment's stand-ins; a `node:` name it does not know fails as esbuild says.
    if (options.isBuiltin(specifier) || specifier.startsWith('node:')) return resolveAsGuest(build, args, guestFiles);
    if (path.isAbsolute(specifier) || specifier.startsWith('\\') || /^[a-z]:[\\/]/i.test(specifier)) return refuse('absolute paths are not allowed; a package imports its own files by relative path and other packages by name');
    if (URL_SCHEME.test(specifier)) return refuse('URL imports (file:, data:, http:) are not allowed');

    const resolved = await build.resolve(specifier, nested(args));
    if (resolved.errors.length > 0) return undefined; // esbuild's own "Could not resolve", with its location
    if (resolved.external || resolved.namespace !== 'file') return refuse(`it resolves to something other than a file of a package (${resolved.namespace}:${resolved.path})`);
    const real = realpathSync(resolved.path);
    if (isInside(real, guestDir)) return refuse("it resolves into the guest environment's own files");

    let root: string;
    if (isRelative(specifier) || (importerRoot !== undefined && isInside(real, importerRoot))) {
      // A relative path (or the package's own "imports" / self-reference) stays inside the importing package.
      if (importerRoot === undefined || !isInside(real, importerRoot)) return refuse(`it resolves to ${real}, outside the package folder ${importerRoot ?? '(none)'}`);
      root = importerRoot;
    } else {
      const name = packageNameOf(specifier);
      if (!PACKAGE_NAME.test(name)) return refuse(`it resolves to ${real}, outside the package folder ${importerRoot}, and "${name}" is not a package name`);
      if (importerRoot === undefined && name !== options.packageName) return refuse(`the entry serves only "${options.packageName}"`);
      let dependency: string;
      try {
        dependency = locatePackage(name, lookupFrom).dir;
      } catch {
        return refuse(`"${name}" is not installed in a node_modules folder above ${lookupFrom}`);
      }
      if (isInside(projectDir, dependency)) return refuse(`"${name}" is installed at ${dependency}, which holds the project itself`);
      if (!isInside(real, dependency)) return refuse(`it resolves to ${real}, outside the folder of "${name}" (${dependency})`);
      root = dependency;
    }
    const extension = path.extname(real).toLowerCase();
    if (!GUEST_EXTENSIONS.has(extension)) return refuse(`it is a "${extension || 'extension-less'}" file; only JavaScript (.js, .mjs, .cjs) and JSON files go into a guest`);
    if (jsonAttribute && extension !== '.json') return refuse('{ type: "json" } is only allowed on a .json file');
    roots.add(root);
    for (const file of [resolved.path, real]) if (!packageOf.has(file)) packageOf.set(file, root);
    return undefined; // checked: esbuild resolves it as usual, to the same file (see resolveAsGuest)
  }
}

/**
 * Lets the other rules resolve an import of the guest environment, and remembers the files it reaches.
 * Answers nothing itself: esbuild then resolves the import as usual, to the same path, and keeps what it
 * knows about the file's package.json (module type, side effects), which a plugin's answer would lose.
 */
async function resolveAsGuest(build: PluginBuild, args: OnResolveArgs, guestFiles: Set<string>): Promise<undefined> {
  const resolved = await build.resolve(args.path, nested(args));
  if (resolved.namespace === 'file' && !resolved.external && resolved.path !== '') guestFiles.add(resolved.path);
  return undefined;
}

/** The options of a nested build.resolve() for the same import, marked as this plugin's own. */
function nested(args: OnResolveArgs): ResolveOptions {
  return { importer: args.importer, namespace: args.namespace, resolveDir: args.resolveDir, kind: args.kind, with: args.with, pluginData: RESOLVING };
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function isRelative(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
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
  return `${name}/${path.relative(root, file).split(path.sep).join('/')}`;
}
