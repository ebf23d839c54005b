import { semverModule } from './lazy-modules.ts';
import type { PackagePolicy, Policy } from './types.ts';

/**
 * The policy entry that governs `name@version`: an entry whose range contains the version wins over
 * an entry without a range. Returns undefined when the package is not named in the policy.
 */
export function findPackagePolicy(policy: Policy, name: string, version: string): PackagePolicy | undefined {
  const candidates = policy.packages.filter((p) => p.name === name);
  const ranged = candidates.find((p) => p.range !== undefined && semverModule().satisfies(version, p.range, { includePrerelease: true }));
  return ranged ?? candidates.find((p) => p.range === undefined);
}

/** Policy entries for a package name, whatever their range (used to explain version mismatches). */
export function entriesFor(policy: Policy, name: string): PackagePolicy[] {
  return policy.packages.filter((p) => p.name === name);
}
