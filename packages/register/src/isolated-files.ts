import path from 'node:path';
import { RegisterError } from './errors.ts';

/** One isolated package as installed for the app: plain data, shared with the module-hooks thread. */
export interface IsolatedTarget {
  name: string;
  version: string;
  /** Real path of the installed package folder. */
  dir: string;
  /** The node_modules path it is installed at (differs from dir with pnpm or links; seen with --preserve-symlinks). */
  linkDir: string;
  /** Fingerprint of the policy entry that isolates this version; undefined when no entry matches the version. */
  entryHash: string | undefined;
}

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * Answers "which isolated package owns this file?" for every module the app's loaders resolve. A file of an
 * isolated package is never loaded natively: the loaders get its facade instead, or an error.
 */
export class IsolatedFiles {
  private readonly names: Set<string>;

  constructor(readonly targets: IsolatedTarget[], isolatedNames: string[]) {
    this.names = new Set(isolatedNames);
  }

  /** The package owning `file`, undefined when none is isolated. Throws for a copy of an isolated package the hook cannot serve. */
  ownerOf(file: string): IsolatedTarget | undefined {
    for (const target of this.targets) {
      if (file.startsWith(target.dir + path.sep) || file.startsWith(target.linkDir + path.sep)) {
        if (target.entryHash === undefined) throw unisolatedVersion(target);
        return target;
      }
    }
    // Another copy of an isolated package (a nested node_modules): named by its last node_modules segment.
    const at = file.lastIndexOf(NODE_MODULES);
    if (at < 0 || this.names.size === 0) return undefined;
    const [first = '', second = ''] = file.slice(at + NODE_MODULES.length).split(path.sep);
    const name = first.startsWith('@') ? `${first}/${second}` : first;
    if (!this.names.has(name)) return undefined;
    throw new RegisterError(
      'ERR_ISOLATE_UNSERVED_COPY',
      `isolate-deps: ${file} belongs to a copy of "${name}", which the policy isolates, installed apart from the one at the project root; refusing to load it unisolated. Deduplicate "${name}" (npm dedupe) so that one copy serves the app.`,
    );
  }

  /** A package's own manifest is data, not code: `require('yaml/package.json')` reads it as usual. */
  isManifest(target: IsolatedTarget, file: string): boolean {
    return file === path.join(target.dir, 'package.json') || file === path.join(target.linkDir, 'package.json');
  }
}

/**
 * The specifier the component serves for a load of `file`: the app's own bare specifier ("yaml", "yaml/util"),
 * the package name when the file is its main entry (`yaml/dist/index.js`, a path from createRequire), else
 * "<name>/<path inside the package>".
 */
export function servedSpecifier(target: IsolatedTarget, request: string, file: string, mainFile: string | undefined): string {
  if (file === mainFile) return target.name;
  if (request === target.name || request.startsWith(`${target.name}/`)) return request;
  const inside = path.relative(file.startsWith(target.dir) ? target.dir : target.linkDir, file);
  return `${target.name}/${inside.split(path.sep).join('/')}`;
}

function unisolatedVersion(target: IsolatedTarget): Error {
  return new RegisterError(
    'ERR_ISOLATE_VERSION_MISMATCH',
    `isolate-deps: ${target.name}@${target.version} is installed, but the policy isolates no range containing it; refusing to load it unisolated. Update the range or the package.`,
  );
}
