import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import type { Capability } from './capabilities.ts';
import { scanFile } from './scan-file.ts';
import type { Evidence, PackageAnalysis } from './types.ts';

/** How many pieces of evidence a package keeps per capability (the count keeps the total). */
export const EVIDENCE_PER_CAPABILITY = 20;

const CODE = /\.(?:c|m)?jsx?$/;
const NATIVE = /\.node$|^binding\.gyp$/;

/** The files of a package the audit reads: shipped code and native artefacts (never nested node_modules). */
export function listPackageFiles(dir: string): { code: string[]; native: string[] } {
  const code: string[] = [];
  const native: string[] = [];
  // A plain recursive readdir: one fast-glob call per package costs more than the walk itself.
  const walk = (relative: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(relative ? `${dir}/${relative}` : dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(file);
      } else if (entry.isFile()) {
        if (CODE.test(entry.name)) code.push(file);
        else if (NATIVE.test(entry.name) || file.startsWith('prebuilds/')) native.push(file);
      }
    }
  };
  walk('');
  code.sort();
  native.sort();
  return { code, native };
}

/** A hash of the package's shipped files, for packages whose lockfile gives no integrity. */
export function contentHash(dir: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const file of ['package.json', ...files]) {
    hash.update(file);
    try {
      hash.update(readFileSync(`${dir}/${file}`));
    } catch {
      hash.update('<unreadable>');
    }
  }
  return `content-sha256-${hash.digest('base64')}`;
}

/** Reads and scans every code file of one package and merges what the files do. */
export function analyzePackage(dir: string, files = listPackageFiles(dir)): PackageAnalysis {
  const analysis: PackageAnalysis = { capabilities: {}, counts: {}, builtins: {}, envNames: [], globals: [], native: files.native, filesScanned: 0, filesParsed: 0, parseErrors: [] };
  const builtins = new Map<string, Set<string>>();
  const envNames = new Set<string>();
  const globals = new Set<string>();
  const add = (capability: Capability, evidence: Evidence): void => {
    const list = (analysis.capabilities[capability] ??= []);
    if (list.length < EVIDENCE_PER_CAPABILITY) list.push(evidence);
    analysis.counts[capability] = (analysis.counts[capability] ?? 0) + 1;
  };
  for (const file of files.native) add('native', { file, line: 1, column: 1, detail: file.endsWith('.gyp') ? 'binding.gyp (node-gyp build)' : file.endsWith('.node') ? 'native addon' : 'prebuilt binary' });
  for (const file of files.code) {
    let text: string;
    try {
      text = readFileSync(`${dir}/${file}`, 'utf8');
    } catch (error) {
      analysis.parseErrors.push({ file, message: `unreadable: ${(error as Error).message}` });
      continue;
    }
    const scan = scanFile(file, text);
    analysis.filesScanned++;
    if (scan.parsed) analysis.filesParsed++;
    if (scan.parseError !== undefined) analysis.parseErrors.push({ file, message: scan.parseError });
    for (const s of scan.sightings) add(s.capability, { file, line: s.line, column: s.column, detail: s.detail });
    for (const [module, members] of scan.builtins) {
      const merged = builtins.get(module) ?? new Set();
      for (const m of members) merged.add(m);
      builtins.set(module, merged);
    }
    for (const name of scan.envNames) envNames.add(name);
    for (const name of scan.globals) globals.add(name);
  }
  analysis.builtins = Object.fromEntries([...builtins].sort(([a], [b]) => a.localeCompare(b)).map(([m, s]) => [m, [...s].sort()]));
  analysis.envNames = [...envNames].sort();
  analysis.globals = [...globals].sort();
  return analysis;
}
