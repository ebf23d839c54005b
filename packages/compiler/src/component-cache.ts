import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A content-addressed store of built components: one folder per key. An entry is written to a
 * temporary folder and renamed into place whole, so an interrupted build never leaves an entry
 * that a later build would trust.
 */
export class ComponentCache {
  constructor(readonly dir: string) {}

  entryDir(key: string): string {
    return path.join(this.dir, key);
  }

  /** The entry's metadata, or undefined when there is no complete entry for the key. */
  read<T>(key: string): T | undefined {
    const metaFile = path.join(this.entryDir(key), 'meta.json');
    if (!existsSync(metaFile)) return undefined;
    try {
      return JSON.parse(readFileSync(metaFile, 'utf8')) as T;
    } catch {
      return undefined; // unreadable metadata: treat as a miss and rebuild
    }
  }

  /** Writes files and metadata as one entry. Returns the entry folder. */
  write(key: string, files: Record<string, Uint8Array | string>, meta: unknown): string {
    mkdirSync(this.dir, { recursive: true });
    const staging = path.join(this.dir, `.staging-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(staging);
    try {
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(staging, name)), { recursive: true });
        writeFileSync(path.join(staging, name), content);
      }
      // meta.json last: a staging folder without it was never finished.
      writeFileSync(path.join(staging, 'meta.json'), JSON.stringify(meta, null, 2));
      const target = this.entryDir(key);
      // Content-addressed: an entry another build finished first is identical, and may be being read
      // right now, so keep it. Only a folder without meta.json (never finished) is replaced.
      if (this.read(key) === undefined && existsSync(target)) rmSync(target, { recursive: true, force: true });
      try {
        renameSync(staging, target);
      } catch (error) {
        if (this.read(key) === undefined) throw error;
        rmSync(staging, { recursive: true, force: true });
      }
      return target;
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
  }

  remove(key: string): void {
    rmSync(this.entryDir(key), { recursive: true, force: true });
  }
}
