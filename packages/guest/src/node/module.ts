/**
 * node:module inside a component. Packages such as yargs call `createRequire(import.meta.url)` at load
 * time and use the result only for optional config files: creating it succeeds, and loading anything
 * through it is refused and reported, since a component cannot load code from the host's disk. The other
 * exports of node:module stay refused (see PARTLY_IMPLEMENTED_BUILTINS in the compiler).
 */
import { denial, deniedFunction } from '../denial.ts';

export function createRequire(filename: string | URL): NodeJS.Require {
  const refused = deniedFunction('module', `require (from ${String(filename)})`);
  const require = function require(id: string): never {
    throw denial('module', `require("${id}")`);
  } as unknown as NodeJS.Require;
  Object.assign(require, { resolve: refused, cache: Object.create(null), main: undefined, extensions: Object.create(null) });
  return require;
}
