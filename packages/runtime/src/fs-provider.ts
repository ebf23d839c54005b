import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { nodeErrorPayload } from './errors.ts';

/** What process.cwd() says inside every guest: no host path leaks in, and components do not depend on where the app lives. */
export const GUEST_CWD = '/project';

/** Linux's PATH_MAX, in bytes. */
const PATH_MAX = 4096;

export interface FsGrant {
  read: string[];
  write: string[];
}

type Deny = (capability: 'fs.read' | 'fs.write', target: string) => never;

/**
 * The host side of isolate:guest/fs. Every path is checked twice: lexically before anything is touched
 * (so a refused path reveals nothing, not even whether it exists), and again on what was actually
 * opened (so neither `..`, a symlink, nor a symlink swapped in after the first check escapes a glob).
 */
export function createFsProvider(root: string, grant: FsGrant, deny: Deny) {
  const lexicalRoot = path.resolve(root);
  let realRoot = lexicalRoot;
  try {
    realRoot = realpathSync(lexicalRoot);
  } catch {
    // a missing root: every real-path check then fails closed
  }
  // The globs are matched against the path relative to the root, never joined onto it: a root such as
  // `/work/app-!(x)` or `/work/{a,b}` would otherwise be glob syntax and widen or break the grant.
  const matcher = (patterns: string[], base: string) => {
    const globs = patterns.map((p) => path.posix.normalize(p.replace(/^\.\//, '')).replace(/^\/+/, '') || '.');
    // `dir/**` also grants `dir` itself, so packages can list the folder they were given (`**`: the root)
    const withDirs = globs.flatMap((p) => (p === '**' ? [p, '.'] : p.endsWith('/**') ? [p, p.slice(0, -3)] : [p]));
    if (withDirs.length === 0) return () => false;
    const isMatch = picomatch(withDirs, { dot: true });
    // `**` never matches a `..` segment, so a path outside the root matches only a pattern that starts with `../`.
    return (absolute: string) => {
      const relative = path.relative(base, absolute);
      // another drive (Windows) has no relative path: it is outside the root
      return !path.isAbsolute(relative) && isMatch(relative.split(path.sep).join('/') || '.');
    };
  };
  const canRead = { lexical: matcher(grant.read, lexicalRoot), real: matcher(grant.read, realRoot) };
  const canWrite = { lexical: matcher(grant.write, lexicalRoot), real: matcher(grant.write, realRoot) };

  // The guest's working directory is the virtual GUEST_CWD: map it onto the project root. A path longer than
  // the system's PATH_MAX can never be opened: it fails at once, before globs run over a megabyte of text.
  const resolve = (guestPath: string, syscall: string) => {
    if (Buffer.byteLength(guestPath) > PATH_MAX) throw nodeErrorPayload('ENAMETOOLONG', syscall, `${guestPath.slice(0, 64)}…`, 'name too long');
    const inProject = guestPath === GUEST_CWD || guestPath.startsWith(`${GUEST_CWD}/`);
    return path.resolve(lexicalRoot, inProject ? `.${guestPath.slice(GUEST_CWD.length)}` : guestPath);
  };

  const check = (kind: 'fs.read' | 'fs.write', guestPath: string, absolute: string, stage: 'lexical' | 'real') => {
    const allowed = kind === 'fs.read' ? canRead[stage](absolute) || canWrite[stage](absolute) : canWrite[stage](absolute);
    if (!allowed) deny(kind, guestPath);
  };

  /** Runs a Node fs call and turns its error into the guest's Node-shaped error payload. */
  const nodeCall = <T>(syscall: string, guestPath: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (typeof e.code !== 'string') throw error;
      throw nodeErrorPayload(e.code, syscall, guestPath, (e.message.split(':')[1] ?? e.code).split(',')[0]!.trim());
    }
  };

  /** The real path of an open descriptor: what was opened, not what the name pointed to when checked. */
  const openedPath = (fd: number, fallback: string): string => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return realpathSync(fallback);
    }
  };

  const withOpened = <T>(kind: 'fs.read' | 'fs.write', guestPath: string, flags: number, use: (fd: number) => T): T => {
    const absolute = resolve(guestPath, 'open');
    check(kind, guestPath, absolute, 'lexical');
    const fd = nodeCall('open', guestPath, () => openSync(absolute, flags, 0o666));
    try {
      check(kind, guestPath, openedPath(fd, absolute), 'real');
      return use(fd);
    } finally {
      closeSync(fd);
    }
  };

  /** Checks where a path would really land: the real path of its nearest existing ancestor plus the rest. */
  const checkParent = (guestPath: string, absolute: string) => {
    let existing = path.dirname(absolute);
    const rest = [path.basename(absolute)];
    for (;;) {
      try {
        existing = realpathSync(existing);
        break;
      } catch {
        if (path.dirname(existing) === existing) break;
        rest.unshift(path.basename(existing));
        existing = path.dirname(existing);
      }
    }
    check('fs.write', guestPath, path.join(existing, ...rest), 'real');
  };

  return {
    readFile(guestPath: string): Uint8Array {
      return withOpened('fs.read', guestPath, constants.O_RDONLY, (fd) => {
        if (fstatSync(fd).isDirectory()) throw nodeErrorPayload('EISDIR', 'read', guestPath, 'illegal operation on a directory');
        return new Uint8Array(readFileSync(fd));
      });
    },
    writeFile(guestPath: string, data: Uint8Array, append: boolean): void {
      const absolute = resolve(guestPath, 'open');
      check('fs.write', guestPath, absolute, 'lexical');
      checkParent(guestPath, absolute);
      // No O_TRUNC before the check: truncating is done on the verified descriptor.
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (append ? constants.O_APPEND : 0);
      withOpened('fs.write', guestPath, flags, (fd) => {
        if (!append) ftruncateSync(fd, 0);
        writeSync(fd, data);
      });
    },
    stat(guestPath: string): string {
      return withOpened('fs.read', guestPath, constants.O_RDONLY, (fd) => {
        const s = fstatSync(fd);
        const kind = s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
        return JSON.stringify({ size: s.size, mode: s.mode, kind, atimeMs: s.atimeMs, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, birthtimeMs: s.birthtimeMs });
      });
    },
    readdir(guestPath: string): string[] {
      return withOpened('fs.read', guestPath, constants.O_RDONLY | constants.O_DIRECTORY, (fd) => readdirSync(openedPath(fd, resolve(guestPath, 'scandir'))).sort());
    },
    mkdir(guestPath: string, recursive: boolean): void {
      const absolute = resolve(guestPath, 'mkdir');
      check('fs.write', guestPath, absolute, 'lexical');
      checkParent(guestPath, absolute);
      nodeCall('mkdir', guestPath, () => mkdirSync(absolute, { recursive }));
      check('fs.write', guestPath, realpathSync(absolute), 'real');
    },
    rm(guestPath: string, recursive: boolean): void {
      const absolute = resolve(guestPath, 'rm');
      check('fs.write', guestPath, absolute, 'lexical');
      checkParent(guestPath, absolute);
      nodeCall('rm', guestPath, () => {
        if (!recursive && statSync(absolute).isDirectory()) rmSync(absolute, { recursive: false });
        rmSync(absolute, { recursive });
      });
    },
  };
}
