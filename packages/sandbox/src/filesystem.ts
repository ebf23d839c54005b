import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Violation } from './types.ts';

/** Top-level system folders shown read-only (or as the same symlink, on merged-/usr systems). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/**
 * What of /etc a build needs: name resolution, certificates, the dynamic linker, alternatives. An
 * allow-list, because /etc also holds secrets readable by its owner (shadow, ssh host keys, npmrc).
 */
const ETC_ENTRIES = ['passwd', 'group', 'hosts', 'resolv.conf', 'nsswitch.conf', 'host.conf', 'gai.conf', 'protocols', 'services', 'ssl', 'ca-certificates', 'ca-certificates.conf', 'pki', 'alternatives', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'timezone', 'os-release', 'debian_version', 'mime.types'];
/** Where the sandbox sees its helpers (the proxy forwarder, the network recorder) and writes its records. */
export const RUN_DIR = '/run/isolate-deps';

export interface FilesystemLayout {
  /** Host folder bound at the sandbox's "/": whatever lands in it was written outside the allowed folders. */
  capture: string;
  /** Host folder of the helpers, seen read-only at RUN_DIR; its events/ subfolder is writable. */
  runDir: string;
  root: string;
  home: string;
  cwd: string;
  writable: string[];
  readOnly: string[];
}

/**
 * bubblewrap mount arguments: the capture folder as "/", the system read-only on top, a private /tmp,
 * an empty HOME and an empty project root (its sources, .env, .git, .github hidden) except its
 * node_modules (read-only) and the writable folders.
 */
export function mountArgs(layout: FilesystemLayout): { args: string[]; destinations: string[] } {
  const args: string[] = ['--bind', layout.capture, '/'];
  const destinations: string[] = [];
  const roBind = (src: string, dest = src) => {
    args.push('--ro-bind', src, dest);
    destinations.push(dest);
  };
  for (const dir of SYSTEM_DIRS) {
    let stat;
    try {
      stat = lstatSync(dir);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) {
      args.push('--symlink', readlinkSync(dir), dir);
      destinations.push(dir);
    } else if (stat.isDirectory()) roBind(dir);
  }
  for (const entry of ETC_ENTRIES) if (existsSync(`/etc/${entry}`)) roBind(`/etc/${entry}`);
  // A node installed outside /usr (nvm, volta, a tarball): its prefix, read-only.
  const nodePrefix = path.dirname(path.dirname(realpathSync(process.execPath)));
  if (!SYSTEM_DIRS.some((d) => nodePrefix === d || nodePrefix.startsWith(`${d}/`))) roBind(nodePrefix);
  // npm's global config sits in the node prefix and may hold registry tokens.
  for (const prefix of new Set([nodePrefix, '/usr', '/usr/local'])) {
    const npmrc = path.join(prefix, 'etc', 'npmrc');
    if (existsSync(npmrc)) roBind('/dev/null', npmrc);
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  destinations.push('/proc', '/dev', '/tmp');
  // HOME and the project root are folders of the capture itself, bound explicitly so that a root
  // under /tmp is captured too rather than landing in the private /tmp.
  for (const dir of [layout.home, layout.root]) {
    mkdirSync(path.join(layout.capture, dir), { recursive: true });
    args.push('--bind', path.join(layout.capture, dir), dir);
  }
  const modules = path.join(layout.root, 'node_modules');
  if (existsSync(modules)) roBind(modules);
  for (const dir of layout.readOnly) roBind(dir);
  for (const dir of layout.writable) {
    args.push('--bind', dir, dir);
    destinations.push(dir);
  }
  roBind(layout.runDir, RUN_DIR);
  args.push('--bind', path.join(layout.runDir, 'events'), `${RUN_DIR}/events`);
  destinations.push(`${RUN_DIR}/events`);
  args.push('--chdir', layout.cwd);
  return { args, destinations };
}

const MAX_REPORTED_WRITES = 200;

/**
 * The writes that landed in the capture folder, as sandbox paths; the mount points bubblewrap made
 * there (and the folders above them, HOME and the project root) are not writes of the command.
 */
export function capturedWrites(capture: string, layout: FilesystemLayout, destinations: string[]): Violation[] {
  const expectedDirs = new Set<string>(['/']);
  const addWithAncestors = (p: string) => {
    for (let d = p; d !== '/' && d !== '.'; d = path.dirname(d)) expectedDirs.add(d);
  };
  for (const d of [...destinations, layout.home, layout.root]) addWithAncestors(d);
  const stubs = new Set(destinations);
  const found: Violation[] = [];
  const walk = (hostDir: string, sandboxDir: string) => {
    let entries;
    try {
      entries = readdirSync(hostDir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= MAX_REPORTED_WRITES) return;
      const sandboxPath = path.posix.join(sandboxDir, entry.name);
      const hostPath = path.join(hostDir, entry.name);
      if (entry.isDirectory()) {
        // A mount point's folder is walked too: HOME or the project root may lie below it (a root under /tmp).
        const before = found.length;
        walk(hostPath, sandboxPath);
        if (!expectedDirs.has(sandboxPath) && !stubs.has(sandboxPath) && found.length === before) found.push({ kind: 'write', path: sandboxPath, type: 'directory' });
      } else if (stubs.has(sandboxPath)) {
        continue;
      } else if (entry.isSymbolicLink()) {
        found.push({ kind: 'write', path: sandboxPath, type: 'symlink' });
      } else {
        let bytes: number | undefined;
        try {
          bytes = lstatSync(hostPath).size;
        } catch {
          bytes = undefined;
        }
        found.push({ kind: 'write', path: sandboxPath, type: 'file', ...(bytes === undefined ? {} : { bytes }) });
      }
    }
  };
  walk(capture, '/');
  return found;
}
