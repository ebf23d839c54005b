import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { DEFAULT_PATH } from './types.ts';

/** Where npm and node-gyp live on this machine, for the scripts' PATH and node-gyp's headers. */
export interface Toolchain {
  node: string;
  /** npm's folder (holds node-gyp and the node-gyp-bin shim), when found. */
  npmDir: string | undefined;
  nodeGyp: string | undefined;
  /** A folder with Node's headers (include/node/common.gypi) so that node-gyp never downloads them. */
  nodedir: string | undefined;
}

/** Finds node, npm's node-gyp and local Node headers (npm_config_nodedir, the node prefix, node-gyp's cache). */
export function findToolchain(root: string, hostEnv: NodeJS.ProcessEnv): Toolchain {
  const node = realpathSync(process.execPath);
  const prefix = path.dirname(path.dirname(node));
  const npmDir = [path.join(prefix, 'lib', 'node_modules', 'npm'), path.join(prefix, 'node_modules', 'npm')].find((d) => existsSync(path.join(d, 'package.json')));
  const gypCandidates = [path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), ...(npmDir ? [path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')] : [])];
  const hasHeaders = (d: string) => existsSync(path.join(d, 'include', 'node', 'common.gypi'));
  const nodedirCandidates = [hostEnv.npm_config_nodedir, prefix, path.join(os.homedir(), '.cache', 'node-gyp', process.versions.node)].filter((d): d is string => Boolean(d));
  return { node, npmDir, nodeGyp: gypCandidates.find((f) => existsSync(f)), nodedir: nodedirCandidates.find(hasHeaders) };
}

/** An installed package and one of its lifecycle scripts. */
export interface LifecycleScript {
  name: string;
  version: string;
  dir: string;
  event: string;
  command: string;
}

/**
 * The environment npm gives a lifecycle script, minus everything of the user's: PATH (the package's
 * and the project's node_modules/.bin first, as npm does), npm_package_* and npm_lifecycle_*, and
 * node-gyp's settings. HOME is set by the sandbox. Granted names are added by the caller.
 */
export function lifecycleEnv(script: LifecycleScript, root: string, tools: Toolchain): Record<string, string> {
  const bins: string[] = [];
  for (let dir = script.dir; dir.startsWith(root); dir = path.dirname(dir)) {
    bins.push(path.join(dir, 'node_modules', '.bin'));
    if (dir === root) break;
  }
  if (!bins.includes(path.join(root, 'node_modules', '.bin'))) bins.push(path.join(root, 'node_modules', '.bin'));
  const gypBin = tools.npmDir ? path.join(tools.npmDir, 'node_modules', '@npmcli', 'run-script', 'lib', 'node-gyp-bin') : undefined;
  const env: Record<string, string> = {
    PATH: [...bins, ...(gypBin && existsSync(gypBin) ? [gypBin] : []), path.dirname(tools.node), DEFAULT_PATH].join(':'),
    INIT_CWD: root,
    NODE: tools.node,
    npm_lifecycle_event: script.event,
    npm_lifecycle_script: script.command,
    npm_package_name: script.name,
    npm_package_version: script.version,
    npm_package_json: path.join(script.dir, 'package.json'),
    npm_node_execpath: tools.node,
    npm_config_user_agent: `isolate-deps node/${process.version} ${process.platform} ${process.arch}`,
  };
  if (tools.npmDir) env.npm_execpath = path.join(tools.npmDir, 'bin', 'npm-cli.js');
  if (tools.nodeGyp) env.npm_config_node_gyp = tools.nodeGyp;
  if (tools.nodedir) env.npm_config_nodedir = tools.nodedir;
  // npm exposes the package's "config" object as npm_package_config_*.
  try {
    const manifest = JSON.parse(readFileSync(path.join(script.dir, 'package.json'), 'utf8')) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(manifest.config ?? {})) if (/^[\w-]+$/.test(key) && ['string', 'number', 'boolean'].includes(typeof value)) env[`npm_package_config_${key}`] = String(value);
  } catch {
    // The tree reader already read this manifest; a vanished one just has no config.
  }
  // Names and versions come from package.json: a value execve cannot carry (a NUL) is dropped, not passed on.
  for (const [name, value] of Object.entries(env)) if (value.includes('\0')) delete env[name];
  return env;
}
