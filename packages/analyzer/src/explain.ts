import { findPackagePolicy, type Policy } from '@isolate-deps/policy';
import { RISKY, type Capability } from './capabilities.ts';
import { isolationAdvice, type IsolationAdvice } from './isolation-advice.ts';
import type { AuditReport, AuditedPackage, Evidence, Finding } from './types.ts';

/** How the policy treats one detected capability of a package. */
export type CapabilityStatus = 'granted' | 'denied' | 'reviewed' | 'drift' | 'unreviewed' | 'not risky';

/** One installed version of a package: detected capabilities against granted or reviewed ones. */
export interface Explanation {
  package: AuditedPackage;
  policyKey: string | undefined;
  isolated: boolean;
  grant: Record<string, unknown> | undefined;
  reviewed: string[] | undefined;
  capabilities: { capability: Capability; status: CapabilityStatus; count: number; evidence: Evidence[] }[];
  findings: Finding[];
  /** The same advice init gives (and the build acts on): can it run isolated, and is it worth it. */
  advice: IsolationAdvice;
}

/** Explains every installed version of `name` (empty when it is not installed). */
export function explainPackage(report: AuditReport, policy: Policy | undefined, name: string): Explanation[] {
  return report.packages
    .filter((p) => p.name === name || p.id === name)
    .map((pkg) => {
      const entry = policy ? findPackagePolicy(policy, pkg.name, pkg.version) : undefined;
      const reviewed = entry?.reviewed ? new Set(entry.reviewed) : undefined;
      const granted = (capability: Capability): boolean => {
        if (!entry) return false;
        if (capability === 'fs.read') return entry.allow.fs.read.length > 0;
        if (capability === 'fs.write') return entry.allow.fs.write.length > 0;
        if (capability === 'env') return entry.allow.env.length > 0;
        if (capability === 'net') return entry.allow.net.length > 0;
        if (capability === 'install-script') return (entry.allowScripts ?? []).length > 0;
        return !['child_process', 'native', 'worker'].includes(capability);
      };
      const status = (capability: Capability): CapabilityStatus => {
        if (entry?.isolate) return granted(capability) ? 'granted' : 'denied';
        if (capability === 'install-script') return granted(capability) ? 'granted' : 'unreviewed';
        if (reviewed) return reviewed.has(capability) ? 'reviewed' : 'drift';
        return RISKY.has(capability) ? 'unreviewed' : 'not risky';
      };
      return {
        package: pkg,
        policyKey: entry?.key,
        isolated: entry?.isolate ?? false,
        grant: entry?.isolate ? (entry.raw.allow as Record<string, unknown> | undefined) ?? {} : undefined,
        reviewed: entry?.reviewed,
        capabilities: pkg.capabilities.map((c) => ({ ...c, status: status(c.capability) })),
        findings: report.findings.filter((f) => f.package === pkg.id),
        advice: isolationAdvice(report.root, pkg, report.packages),
      };
    });
}
