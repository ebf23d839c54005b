/**
 * The component cache is machine-wide by default (ISOLATE_DEPS_CACHE_DIR, else $XDG_CACHE_HOME/isolate-deps,
 * else ~/.cache/isolate-deps) for the plugins, the register hook and the CLI alike, and
 * `isolate-deps cache ls|prune|clean` maintains it. Entries are real components copied from the suite's cache.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createIsolation } from '@isolate-deps/plugin-core';
import { CACHE_DIR, CLI } from './support/app.ts';

function cli(args: string[], env: Record<string, string> = {}, cwd = os.tmpdir()) {
  const { ISOLATE_DEPS_CACHE_DIR: _ignored, ...base } = process.env;
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...base, ...env } });
}

/** A cache with three real entries (two packages), plus a file that is not ours. */
function cacheWithEntries(): { dir: string; keys: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'component-cache-'));
  const keys: string[] = [];
  const names = new Map<string, number>();
  // Entries this version built: a developer's cache also holds some from earlier tool versions.
  const stale = new Set([...cli(['cache', 'ls', '--cache-dir', CACHE_DIR]).stdout.matchAll(/ ([0-9a-f]{12}) .*other tool version/g)].map((m) => m[1]));
  for (const key of readdirSync(CACHE_DIR).filter((k) => /^[0-9a-f]{32}$/.test(k) && !stale.has(k.slice(0, 12)))) {
    const meta = path.join(CACHE_DIR, key, 'meta.json');
    if (!existsSync(meta)) continue;
    const { name } = JSON.parse(readFileSync(meta, 'utf8')) as { name: string };
    if (!['yaml', 'marked'].includes(name) || (names.get(name) ?? 0) >= 2 || keys.length >= 3) continue;
    names.set(name, (names.get(name) ?? 0) + 1);
    cpSync(path.join(CACHE_DIR, key), path.join(dir, key), { recursive: true });
    keys.push(key);
  }
  writeFileSync(path.join(dir, 'notes.txt'), 'not a cache entry');
  return { dir, keys };
}

describe('isolate-deps cache', () => {
  test('ls lists each entry with package@version, size and last use', () => {
    const { dir, keys } = cacheWithEntries();
    expect(keys.length).toBe(3);
    const ls = cli(['cache', 'ls', '--cache-dir', dir]);
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/^package +key +size +last used/);
    for (const key of keys) expect(ls.stdout).toMatch(new RegExp(`^(yaml|marked)@\\S+ +${key.slice(0, 12)} +\\d+\\.\\d MB +\\d+ (min|h|days) ago \\(\\d{4}-\\d\\d-\\d\\d\\)`, 'm'));
    expect(ls.stdout).toContain(`3 entries, `);
  });

  test('prune removes the entries unused for --days and those built by other tools; clean removes the rest, and only entries', () => {
    const { dir, keys } = cacheWithEntries();
    const [old, rebuilt, fresh] = keys as [string, string, string];
    const longAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(path.join(dir, old, 'meta.json'), longAgo, longAgo);
    const metaFile = path.join(dir, rebuilt, 'meta.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    writeFileSync(metaFile, JSON.stringify({ ...meta, tools: { ...meta.tools, componentize: '0.0.1' } }));
    expect(cli(['cache', 'ls', '--cache-dir', dir]).stdout).toMatch(new RegExp(`${rebuilt.slice(0, 12)} .*other tool version: prune removes it`));
    const prune = cli(['cache', 'prune', '--days', '30', '--cache-dir', dir]);
    expect(prune.status, prune.stderr).toBe(0);
    expect(prune.stdout).toMatch(/removed 2 entries \(\d+\.\d MB: 1 built by other tool versions, 1 unused for 30 days\); kept 1 \(/);
    expect(readdirSync(dir).sort()).toEqual([fresh, 'notes.txt'].sort());
    const clean = cli(['cache', 'clean', '--cache-dir', dir]);
    expect(clean.stdout).toMatch(/cleaned .*: removed 1 entry \(\d+\.\d MB\); the next build compiles what it needs again/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(cli(['cache', 'frobnicate']).status).toBe(2);
  });
});

describe('one machine-wide default for the plugins, the register hook and the CLI', () => {
  test('$XDG_CACHE_HOME/isolate-deps, unless ISOLATE_DEPS_CACHE_DIR or cacheDir says otherwise', () => {
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'xdg-'));
    const project = mkdtempSync(path.join(os.tmpdir(), 'cache-default-'));
    writeFileSync(path.join(project, 'package.json'), '{"name":"app"}');
    writeFileSync(path.join(project, 'isolate-deps.policy.json'), JSON.stringify({ packages: { yaml: { isolate: true } } }));
    const saved = { xdg: process.env.XDG_CACHE_HOME, dir: process.env.ISOLATE_DEPS_CACHE_DIR };
    try {
      process.env.XDG_CACHE_HOME = cacheHome;
      delete process.env.ISOLATE_DEPS_CACHE_DIR;
      expect(createIsolation({}, project)!.cacheDir).toBe(path.join(cacheHome, 'isolate-deps'));
      process.env.ISOLATE_DEPS_CACHE_DIR = path.join(project, 'ci-cache');
      expect(createIsolation({}, project)!.cacheDir).toBe(path.join(project, 'ci-cache'));
      expect(createIsolation({ cacheDir: 'mine' }, project)!.cacheDir).toBe(path.join(project, 'mine'));
    } finally {
      for (const [name, value] of [['XDG_CACHE_HOME', saved.xdg], ['ISOLATE_DEPS_CACHE_DIR', saved.dir]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    // The CLI (and `isolate-deps build`, the register hook's builder) use the same default.
    expect(cli(['cache', 'ls'], { XDG_CACHE_HOME: cacheHome }).stdout).toBe(`${path.join(cacheHome, 'isolate-deps')}: empty\n`);
    mkdirSync(path.join(project, 'none'));
    writeFileSync(path.join(project, 'none', 'isolate-deps.policy.json'), JSON.stringify({ packages: {} }));
    const build = cli(['build', '--policy', path.join(project, 'none', 'isolate-deps.policy.json')], { XDG_CACHE_HOME: cacheHome });
    expect(build.stdout).toContain(`in ${path.join(cacheHome, 'isolate-deps')}`);
  });
});
