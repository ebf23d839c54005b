import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ComponentCache, componentTools, defaultCacheDir, type CacheEntry } from '@isolate-deps/compiler';
import { styles, UsageError, type Output } from '../terminal.ts';
import type { Command } from './command.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `isolate-deps cache ls|prune|clean`: the machine-wide component cache. */
export const cacheCommand: Command = {
  name: 'cache',
  summary: 'list, prune or clean the machine-wide component cache',
  help: `Usage: isolate-deps cache ls|prune|clean [--cache-dir DIR] [--days N]

The components the plugins, the register hook and \`isolate-deps build\` compile are cached once per machine
(ISOLATE_DEPS_CACHE_DIR, else $XDG_CACHE_HOME/isolate-deps, else ~/.cache/isolate-deps) and shared by
every project: a component depends on the package, its grant's shape and the tools, not on the project.

  ls       every entry: package@version, size, last use, and whether this version of isolate-deps can use it
  prune    remove the entries not used for --days days (default 30) or built by other tool versions
  clean    remove every entry

Options:
  --cache-dir DIR   the cache (default: as above)
  --days N          prune: the age, in days since last use, past which an entry goes (default 30)
  -h, --help        show this help
`,
  options: { 'cache-dir': { type: 'string' }, days: { type: 'string' } },
  async run(values, positionals, out) {
    const [action, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const dir = typeof values['cache-dir'] === 'string' ? path.resolve(values['cache-dir']) : defaultCacheDir();
    const cache = new ComponentCache(dir);
    const current = JSON.stringify(componentTools());
    const stale = (e: CacheEntry) => JSON.stringify(e.tools) !== current;
    switch (action) {
      case 'ls':
        out.write(list(dir, cache.entries(), stale, out.color));
        return 0;
      case 'prune': {
        const days = typeof values.days === 'string' ? Number(values.days) : 30;
        if (!Number.isFinite(days) || days < 0) throw new UsageError(`--days must be a number of days (got ${JSON.stringify(values.days)})`);
        const cutoff = Date.now() - days * DAY_MS;
        const entries = cache.entries();
        const gone = entries.filter((e) => stale(e) || e.lastUsed.getTime() < cutoff);
        for (const e of gone) cache.remove(e.key);
        // A build running now owns its fresh staging folder: only an hour-old one is a leftover.
        const leftovers = removeLeftovers(dir, 60 * 60 * 1000);
        out.write(`pruned ${dir}: removed ${gone.length} entr${gone.length === 1 ? 'y' : 'ies'} (${mb(sum(gone))}: ${gone.filter(stale).length} built by other tool versions, ${gone.filter((e) => !stale(e)).length} unused for ${days} days)${leftovers > 0 ? ` and ${leftovers} unfinished build folder${leftovers === 1 ? '' : 's'}` : ''}; kept ${entries.length - gone.length} (${mb(sum(entries) - sum(gone))})\n`);
        return 0;
      }
      case 'clean': {
        const entries = cache.entries();
        for (const e of entries) cache.remove(e.key);
        const leftovers = removeLeftovers(dir, 0);
        // The register hook's records point at entries that are gone now: they go too.
        rmSync(path.join(dir, 'register'), { recursive: true, force: true });
        out.write(`cleaned ${dir}: removed ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${mb(sum(entries))})${leftovers > 0 ? ` and ${leftovers} unfinished build folder${leftovers === 1 ? '' : 's'}` : ''}; the next build compiles what it needs again\n`);
        return 0;
      }
      default:
        throw new UsageError(action === undefined ? 'cache takes ls, prune or clean' : `unknown cache action "${action}" (ls, prune or clean)`);
    }
  },
};

function list(dir: string, entries: CacheEntry[], stale: (e: CacheEntry) => boolean, color: boolean): string {
  const s = styles(color);
  if (entries.length === 0) return `${dir}: empty\n`;
  const rows = entries
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || b.lastUsed.getTime() - a.lastUsed.getTime())
    .map((e) => [`${e.name ?? '?'}@${e.version ?? '?'}`, e.key.slice(0, 12), mb(e.bytes), `${ago(e.lastUsed)} (${e.lastUsed.toISOString().slice(0, 10)})`, stale(e) ? 'other tool version: prune removes it' : '']);
  const header = ['package', 'key', 'size', 'last used', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[s.bold(line(header)), ...rows.map((r) => (r[4] ? s.dim(line(r)) : line(r)))].join('\n')}\n${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, ${mb(sum(entries))} in ${dir}\n`;
}

/** Staging and describe scratch folders an interrupted build left, at least `minAgeMs` old. */
function removeLeftovers(dir: string, minAgeMs: number): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory() || !(d.name.startsWith('.staging-') || d.name.includes('.describe-'))) continue;
    const folder = path.join(dir, d.name);
    if (Date.now() - statSync(folder).mtimeMs < minAgeMs) continue;
    rmSync(folder, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

const sum = (entries: CacheEntry[]) => entries.reduce((total, e) => total + e.bytes, 0);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function ago(date: Date): string {
  const ms = Date.now() - date.getTime();
  if (ms < 60 * 60 * 1000) return `${Math.max(0, Math.round(ms / 60000))} min ago`;
  if (ms < DAY_MS) return `${Math.round(ms / 3600000)} h ago`;
  return `${Math.round(ms / DAY_MS)} days ago`;
}
