import { findPackagePolicy, type Policy } from '@isolate-deps/policy';
import { RISKY, type Capability } from './capabilities.ts';
import type { AuditReport } from './types.ts';

// Capabilities a WebAssembly component cannot provide: packages using them cannot be isolated.
const NOT_ISOLATABLE: Capability[] = ['child_process', 'native', 'worker', 'install-script'];

/** A starter policy and the packages worth isolating. */
export interface StarterPolicy {
  json: { $schema?: string; packages: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  /** Risky packages that could run isolated, with the risky capabilities that suggest it. */
  suggestIsolation: { name: string; capabilities: Capability[] }[];
  /** Packages whose install scripts the starter policy allows (to review). */
  allowedScripts: { name: string; scripts: string[] }[];
}

/**
 * Records what the installed packages do today as their reviewed capabilities (and their install
 * scripts as allowed), keeping an existing policy's entries and settings. Packages that do nothing
 * notable get no entry.
 */
export function starterPolicy(report: AuditReport, existing?: Policy): StarterPolicy {
  const json = structuredClone(existing?.raw ?? {}) as StarterPolicy['json'];
  json.packages = (json.packages as StarterPolicy['json']['packages'] | undefined) ?? {};
  const reviewed = new Map<string, Set<Capability>>();
  const scripts = new Map<string, Set<string>>();
  for (const pkg of report.packages) {
    if (pkg.capabilities.length === 0) continue;
    const key = (existing && findPackagePolicy(existing, pkg.name, pkg.version)?.key) ?? pkg.name;
    const caps = reviewed.get(key) ?? new Set();
    for (const c of pkg.capabilities) if (c.capability !== 'install-script') caps.add(c.capability);
    reviewed.set(key, caps);
    const names = Object.keys(pkg.installScripts);
    if (names.length > 0) scripts.set(key, new Set([...(scripts.get(key) ?? []), ...names]));
  }
  const suggestIsolation: StarterPolicy['suggestIsolation'] = [];
  for (const key of [...new Set([...reviewed.keys(), ...scripts.keys()])].sort()) {
    const entry = (json.packages[key] ??= {});
    const caps = [...(reviewed.get(key) ?? [])].sort();
    if (caps.length > 0) entry.reviewed = caps;
    const allowed = [...(scripts.get(key) ?? [])].sort();
    if (allowed.length > 0) entry.allowScripts = allowed;
    const risky = caps.filter((c) => RISKY.has(c));
    if (entry.isolate !== true && risky.length > 0 && allowed.length === 0 && !caps.some((c) => NOT_ISOLATABLE.includes(c))) {
      suggestIsolation.push({ name: key, capabilities: risky });
    }
  }
  json.packages = Object.fromEntries(Object.entries(json.packages).sort(([a], [b]) => a.localeCompare(b)));
  const allowedScripts = [...scripts].map(([name, s]) => ({ name, scripts: [...s].sort() }));
  return { json, suggestIsolation, allowedScripts };
}
