import { entriesFor, findPackagePolicy, type PackagePolicy, type Policy } from '@isolate-deps/policy';
import path from 'node:path';
import picomatch from 'picomatch';
import { RISKY, type Capability } from './capabilities.ts';
import type { AuditedPackage, Evidence, Finding, RuleId, Severity } from './types.ts';

/** Every rule with its default severity and a one-line description (SARIF and --help show these). */
export const RULES: Record<RuleId, { severity: Severity; description: string }> = {
  'policy-version-mismatch': { severity: 'error', description: 'The installed version is outside the semver range of the policy key that names it.' },
  'will-be-denied': { severity: 'warning', description: 'An isolated package uses a capability it was not granted: the call will be denied at run time.' },
  'over-privileged': { severity: 'info', description: 'A granted capability is never used by the isolated package.' },
  'unreviewed-capability': { severity: 'error', description: 'A non-isolated package has a risky capability (fs write, net, child_process, env, eval, native) that the policy does not acknowledge.' },
  'capability-drift': { severity: 'error', description: "A package's detected capabilities grew beyond the reviewed set recorded in the policy." },
  'install-script': { severity: 'error', description: 'A package runs an install lifecycle script that the policy does not allow.' },
  'stale-policy-entry': { severity: 'warning', description: 'The policy names a package that is not installed.' },
};

// Capabilities a WebAssembly component cannot be granted at all.
export const NEVER_IN_COMPONENT: Capability[] = ['child_process', 'native', 'worker'];

/** Where the policy file sits relative to the root, and its text (to point findings at the entry's line). */
export interface PolicySource {
  policy: Policy;
  file: string;
  text: string;
}

/**
 * Checks the audited packages against the policy; without a policy every risky capability is unreviewed.
 * `installedNames`: every installed package's name, when the audit covers fewer (a policy entry is stale only when none is installed).
 */
export function checkPolicy(packages: AuditedPackage[], source: PolicySource | undefined, installedNames?: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map(packages.map((p) => [p.id, p]));
  const dependencies = dependencyMap(packages);
  const policyLine = (key: string): { file: string; line: number } => ({ file: source?.file ?? '', line: lineOfKey(source?.text ?? '', key) });
  const report = (ruleId: RuleId, pkg: string, message: string, location: { file: string; line: number }, extra: Partial<Finding> = {}): void => {
    findings.push({ ruleId, severity: RULES[ruleId].severity, package: pkg, message, evidence: [], location, ...extra });
  };

  for (const pkg of packages) {
    const entries = source ? entriesFor(source.policy, pkg.name) : [];
    const entry = source ? findPackagePolicy(source.policy, pkg.name, pkg.version) : undefined;
    if (entries.length > 0 && !entry) {
      const keys = entries.map((e) => `"${e.key}"`).join(', ');
      report('policy-version-mismatch', pkg.id, `${pkg.id} is installed but the policy names ${keys}: the installed version is outside the range, so no entry applies`, policyLine(entries[0]!.key));
    }
    const detected = new Map(pkg.capabilities.map((c) => [c.capability, c]));
    if (entry?.isolate) {
      const effective = closure(pkg, byId, dependencies);
      checkGrants(pkg, entry, effective, report, policyLine(entry.key));
    }
    if (entry?.reviewed) {
      const reviewed = new Set(entry.reviewed);
      for (const [capability, found] of detected) {
        if (capability === 'install-script' || reviewed.has(capability)) continue;
        report('capability-drift', pkg.id, `${pkg.id} now uses ${capability}, beyond the reviewed set [${entry.reviewed.join(', ')}] of "${entry.key}"`, at(found.evidence, pkg), { capability, evidence: found.evidence });
      }
    } else if (!entry?.isolate) {
      for (const [capability, found] of detected) {
        if (capability === 'install-script' || !RISKY.has(capability)) continue;
        report('unreviewed-capability', pkg.id, `${pkg.id} uses ${capability} (${found.count} place${found.count === 1 ? '' : 's'}) and the policy does not acknowledge it`, at(found.evidence, pkg), { capability, evidence: found.evidence });
      }
    }
    const allowed = new Set(entry?.allowScripts ?? []);
    for (const [script, command] of Object.entries(pkg.installScripts)) {
      if (allowed.has(script as 'install')) continue;
      report('install-script', pkg.id, `${pkg.id} runs a ${script} script that the policy does not allow: ${command}`, { file: pkg.manifest, line: 1 }, {
        capability: 'install-script',
        evidence: [{ file: pkg.manifest, line: 1, column: 1, detail: `${script}: ${command}` }],
      });
    }
  }

  if (source) {
    const installed = installedNames ?? new Set(packages.map((p) => p.name));
    for (const entry of source.policy.packages) {
      if (!installed.has(entry.name)) report('stale-policy-entry', entry.key, `the policy names "${entry.key}" but no such package is installed`, policyLine(entry.key));
    }
  }
  return findings;
}

type Report = (ruleId: RuleId, pkg: string, message: string, location: { file: string; line: number }, extra?: Partial<Finding>) => void;
export type Detected = Map<Capability, { evidence: Evidence[]; names: Set<string> }>;

/** will-be-denied and over-privileged: detected capabilities (with the bundled dependencies') against the grant. */
function checkGrants(pkg: AuditedPackage, entry: PackagePolicy, detected: Detected, report: Report, entryLine: { file: string; line: number }): void {
  const { allow } = entry;
  const denied = (capability: Capability, why: string, evidence: Evidence[]): void => {
    report('will-be-denied', pkg.id, `${pkg.id} is isolated and uses ${capability}, ${why}: those calls will be denied`, at(evidence, pkg), { capability, evidence });
  };
  const overPrivileged = (capability: Capability, what: string): void => {
    report('over-privileged', pkg.id, `"${entry.key}" grants ${what} but ${pkg.id} never uses ${capability}`, entryLine, { capability });
  };
  for (const [capability, found] of detected) {
    if (NEVER_IN_COMPONENT.includes(capability)) denied(capability, 'which a WebAssembly component cannot be granted', found.evidence);
    else if (capability === 'fs.read' && allow.fs.read.length === 0) denied(capability, 'but "allow.fs.read" grants nothing', found.evidence);
    else if (capability === 'fs.write' && allow.fs.write.length === 0) denied(capability, 'but "allow.fs.write" grants nothing', found.evidence);
    else if (capability === 'net' && allow.net.length === 0) denied(capability, 'but "allow.net" grants no host', found.evidence);
    else if (capability === 'env') {
      const granted = picomatch(allow.env.length > 0 ? allow.env : ['\0none']);
      const missing = [...found.names].filter((n) => n !== '*' && !granted(n));
      if (allow.env.length === 0) denied(capability, 'but "allow.env" grants no variable', found.evidence);
      else if (missing.length > 0) denied(capability, `reading ${missing.join(', ')} which "allow.env" does not grant`, found.evidence.filter((e) => missing.some((m) => e.detail.endsWith(`.${m}`))));
    }
  }
  if (allow.fs.read.length > 0 && !detected.has('fs.read')) overPrivileged('fs.read', `"allow.fs.read" ${JSON.stringify(allow.fs.read)}`);
  if (allow.fs.write.length > 0 && !detected.has('fs.write')) overPrivileged('fs.write', `"allow.fs.write" ${JSON.stringify(allow.fs.write)}`);
  if (allow.net.length > 0 && !detected.has('net')) overPrivileged('net', `"allow.net" ${JSON.stringify(allow.net)}`);
  const env = detected.get('env');
  if (allow.env.length > 0 && !env) overPrivileged('env', `"allow.env" ${JSON.stringify(allow.env)}`);
  else if (env && !env.names.has('*')) {
    for (const pattern of allow.env) {
      if (![...env.names].some((n) => picomatch(pattern)(n))) overPrivileged('env', `"allow.env" pattern "${pattern}" (no matching read)`);
    }
  }
}

/** What a package's component would hold: its library's capabilities and its dependencies' (bin excluded). */
export function componentCapabilities(pkg: AuditedPackage, packages: AuditedPackage[]): Detected {
  return closure(pkg, new Map(packages.map((p) => [p.id, p])), dependencyMap(packages));
}

/** An isolated package runs with its own dependencies inside the component: their capabilities count too. */
function closure(pkg: AuditedPackage, byId: Map<string, AuditedPackage>, dependencies: Map<string, string[]>): Detected {
  const detected: Detected = new Map();
  const seen = new Set<string>();
  const queue = [pkg.id];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const current = byId.get(id);
    if (!current) continue;
    // The package's command-line tools never run inside the component: only its library code does.
    const binFiles = Object.values(current.bin).map((b) => `${current.dir}/${path.posix.normalize(b)}`);
    const inComponent = (e: Evidence): boolean => !binFiles.includes(e.file) && !e.file.startsWith(`${current.dir}/bin/`);
    for (const c of current.capabilities) {
      if (c.capability === 'install-script') continue;
      const evidence = c.evidence.filter(inComponent);
      if (evidence.length === 0 && c.evidence.length === c.count) continue;
      const slot = detected.get(c.capability) ?? { evidence: [], names: new Set<string>() };
      slot.evidence.push(...evidence);
      if (c.capability === 'env') for (const n of current.analysis.envNames) slot.names.add(n);
      detected.set(c.capability, slot);
    }
    queue.push(...(dependencies.get(id) ?? []));
  }
  return detected;
}

function dependencyMap(packages: AuditedPackage[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const pkg of packages) for (const dependent of pkg.dependents) map.set(dependent, [...(map.get(dependent) ?? []), pkg.id]);
  return map;
}

function at(evidence: Evidence[], pkg: AuditedPackage): { file: string; line: number } {
  const first = evidence[0];
  return first ? { file: first.file, line: first.line } : { file: pkg.manifest, line: 1 };
}

/** The 1-based line of `"key":` in the policy text (1 when not found). */
export function lineOfKey(text: string, key: string): number {
  const index = text.search(new RegExp(`${JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`));
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}
