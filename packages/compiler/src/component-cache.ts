import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One finished entry of the cache, as `isolate-deps cache ls` shows it. */
export interface CacheEntry {
  key: string;
  dir: string;
  /** The package it holds (from meta.json); undefined for an entry this version cannot read. */
  name: string | undefined;
  version: string | undefined;
  /** The tools that built it: an entry built by other tools can never be hit again. */
  tools: Record<string, string> | undefined;
  bytes: number;
  /** When a build last used it (meta.json's modification time, renewed on each hit). */
  lastUsed: Date;
}

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

  /** Marks an entry as used now, for `isolate-deps cache prune`. A read-only cache (an image layer) is fine. */
  touch(key: string): void {
    try {
      const now = new Date();
      utimesSync(path.join(this.entryDir(key), 'meta.json'), now, now);
    } catch {
      // not ours to write: the entry still serves
    }
  }

  /** Every finished entry (a folder with meta.json; staging and describe scratch folders are not entries). */
  entries(): CacheEntry[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^[0-9a-f]{32}$/.test(d.name) && existsSync(path.join(this.dir, d.name, 'meta.json')))
      .map((d) => {
        const dir = path.join(this.dir, d.name);
        const meta = this.read<{ name?: string; version?: string; tools?: Record<string, string> }>(d.name);
        return { key: d.name, dir, name: meta?.name, version: meta?.version, tools: meta?.tools, bytes: folderBytes(dir), lastUsed: statSync(path.join(dir, 'meta.json')).mtime };
      });
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(file) : entry.isFile() ? statSync(file).size : 0;
  }
  return total;
}
