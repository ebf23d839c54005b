import { findPackagePolicy, type Policy } from '@isolate-deps/policy';
import type { Capability } from './capabilities.ts';
import { isolationAdvice, type IsolationAdvice } from './isolation-advice.ts';
import type { AuditReport, AuditedPackage } from './types.ts';

/** The policy's JSON Schema as installed with the package, relative to a policy at the project root. */
export const SCHEMA_REFERENCE = './node_modules/isolate-deps/policy.schema.json';

/** A starter policy and the packages worth isolating. */
export interface StarterPolicy {
  json: { $schema?: string; packages: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  /**
   * Direct dependencies worth isolating (they can run isolated and handle untrusted input or use the
   * network or write files), most protective first; the starter policy marks them `"isolate": true`.
   */
  suggestIsolation: (IsolationAdvice & { name: string })[];
  /** Direct dependencies that cannot run isolated, with why (they stay native: audit them). */
  cannotIsolate: (IsolationAdvice & { name: string })[];
  /** Packages whose install scripts the starter policy allows (to review). */
  allowedScripts: { name: string; scripts: string[] }[];
}

/**
 * Marks the direct dependencies worth isolating `"isolate": true` (see isolationAdvice; never one the
 * existing policy names) and records what the other packages do today as their reviewed capabilities
 * (and their install scripts as allowed), keeping an existing policy's entries and settings. Packages that do nothing
 * notable get no entry. Installed copies of one name whose capabilities differ get one entry per
 * version ("debug@2.6.9", "debug@4.4.3"), so one copy's review never covers another's.
 */
export function starterPolicy(report: AuditReport, existing?: Policy): StarterPolicy {
  const json = { $schema: SCHEMA_REFERENCE, ...(structuredClone(existing?.raw ?? {}) as StarterPolicy['json']) };
  json.packages = (json.packages as StarterPolicy['json']['packages'] | undefined) ?? {};
  const capsOf = (pkg: AuditedPackage): Capability[] => pkg.capabilities.map((c) => c.capability).filter((c) => c !== 'install-script').sort();
  const variants = new Map<string, Set<string>>();
  for (const pkg of report.packages) variants.set(pkg.name, (variants.get(pkg.name) ?? new Set()).add(capsOf(pkg).join(',')));
  const keyOf = (pkg: AuditedPackage): string => {
    const ranged = existing ? findPackagePolicy(existing, pkg.name, pkg.version) : undefined;
    if (ranged?.range !== undefined) return ranged.key;
    return variants.get(pkg.name)!.size > 1 ? `${pkg.name}@${pkg.version}` : (ranged?.key ?? pkg.name);
  };
  const reviewed = new Map<string, Set<Capability>>();
  const scripts = new Map<string, Set<string>>();
  const direct = new Map<string, AuditedPackage[]>();
  for (const pkg of report.packages) {
    const key = keyOf(pkg);
    if (pkg.dependents.some(isProject)) direct.set(key, [...(direct.get(key) ?? []), pkg]);
    // A copy split from its namesakes keeps its own entry even when it does nothing (else its version would match no key).
    if (pkg.capabilities.length === 0 && variants.get(pkg.name)!.size === 1) continue;
    const caps = reviewed.get(key) ?? new Set();
    for (const c of capsOf(pkg)) caps.add(c);
    reviewed.set(key, caps);
    const names = Object.keys(pkg.installScripts);
    if (names.length > 0) scripts.set(key, new Set([...(scripts.get(key) ?? []), ...names]));
  }
  for (const key of [...new Set([...reviewed.keys(), ...scripts.keys()])].sort()) {
    const entry = (json.packages[key] ??= {});
    const caps = [...(reviewed.get(key) ?? [])].sort();
    if (caps.length > 0 || reviewed.has(key)) entry.reviewed = caps;
    const allowed = [...(scripts.get(key) ?? [])].sort();
    if (allowed.length > 0) entry.allowScripts = allowed;
  }
  const suggestIsolation: StarterPolicy['suggestIsolation'] = [];
  const cannotIsolate: StarterPolicy['cannotIsolate'] = [];
  for (const [key, copies] of [...direct].sort(([a], [b]) => a.localeCompare(b))) {
    if ((existing?.raw.packages as Record<string, unknown> | undefined)?.[key] !== undefined) continue; // the user decided already
    const hasLibrary = copies.some((p) => p.analysis.reach.entries.length > 0 || p.analysis.reach.everyFile !== undefined);
    if (!hasLibrary || copies.some((p) => Object.keys(p.installScripts).length > 0)) continue;
    const advice = copies.map((p) => isolationAdvice(report.root, p, report.packages));
    const cannot = advice.find((a) => a.verdict === 'cannot');
    if (cannot) cannotIsolate.push({ ...cannot, name: key });
    else if (advice.every((a) => a.verdict === 'propose')) suggestIsolation.push({ ...advice.sort((a, b) => b.score - a.score)[0]!, name: key });
  }
  suggestIsolation.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  // An isolated package's grants replace its reviewed list: `isolate-deps suggest` fills them in from a run.
  for (const s of suggestIsolation) json.packages[s.name] = { isolate: true };
  json.packages = Object.fromEntries(Object.entries(json.packages).sort(([a], [b]) => a.localeCompare(b)));
  const allowedScripts = [...scripts].map(([name, s]) => ({ name, scripts: [...s].sort() }));
  return { json, suggestIsolation, cannotIsolate, allowedScripts };
}

/** A dependent that is the project itself ("(root)" or a workspace's name), not a package "name@version". */
function isProject(dependent: string): boolean {
  return dependent.lastIndexOf('@') <= 0;
}
