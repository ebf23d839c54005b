import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { SandboxUnavailableError } from './errors.ts';

/** How this machine runs sandboxes. */
export interface SandboxSupport {
  bwrap: string;
  /** Root runs bubblewrap without a user namespace (and drops every capability); others need one. */
  userNamespace: boolean;
}

let cached: SandboxSupport | SandboxUnavailableError | undefined;

/** Finds bubblewrap and proves, once per process, that it can make the namespaces; throws SandboxUnavailableError. */
export function sandboxSupport(): SandboxSupport {
  cached ??= probe();
  if (cached instanceof SandboxUnavailableError) throw cached;
  return cached;
}

function probe(): SandboxSupport | SandboxUnavailableError {
  if (process.platform !== 'linux') {
    return new SandboxUnavailableError(
      `install scripts are sandboxed with Linux namespaces, and this is ${process.platform}`,
      'Run `isolate-deps scripts` on Linux (a CI runner or a container), or pass --unsandboxed to run the allowed scripts without a sandbox',
    );
  }
  const bwrap = findBwrap();
  if (!bwrap) {
    return new SandboxUnavailableError(
      'bubblewrap (bwrap) is not installed',
      'Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`, Fedora: `sudo dnf install bubblewrap`) or set ISOLATE_DEPS_BWRAP to its path',
    );
  }
  const userNamespace = process.getuid?.() !== 0;
  const args = [...(userNamespace ? ['--unshare-user'] : ['--cap-drop', 'ALL']), '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--ro-bind', '/', '/', '--', '/bin/true'];
  const result = spawnSync(bwrap, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) {
    const why = (result.stderr || result.error?.message || `exit ${result.status}`).trim();
    return new SandboxUnavailableError(
      `bubblewrap cannot create the sandbox's namespaces here (${why})`,
      userNamespace
        ? 'Unprivileged user namespaces look disabled: enable them (`sysctl kernel.unprivileged_userns_clone=1`, or on Ubuntu 24.04+ `sysctl kernel.apparmor_restrict_unprivileged_userns=0`), allow them in the container (docker: --security-opt seccomp=unconfined), or pass --unsandboxed'
        : 'The container may forbid namespaces: run it with --privileged or CAP_SYS_ADMIN, or pass --unsandboxed',
    );
  }
  return { bwrap, userNamespace };
}

function findBwrap(): string | undefined {
  const candidates = process.env.ISOLATE_DEPS_BWRAP ? [process.env.ISOLATE_DEPS_BWRAP] : (process.env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean).map((d) => path.join(d, 'bwrap'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
