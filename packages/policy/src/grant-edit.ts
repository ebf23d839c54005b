import type { FormattingOptions } from 'jsonc-parser';
import picomatch from 'picomatch';
import { grantFor, type GrantSuggestion } from './grant-suggestion.ts';
import { entriesFor } from './match.ts';
import { jsoncParser } from './lazy-modules.ts';
import type { Policy } from './types.ts';

/** One refused attempt as the runtime records it (a trace's denial event, an onViolation event). */
export interface Denial {
  package: string;
  capability: string;
  target: string;
}

/** What one package needs added to its entry, found from its denials. */
export interface PackageGrants {
  package: string;
  /** The policy key whose "allow" gets the grants; undefined when no entry isolates the package. */
  key: string | undefined;
  /** New grants, de-duplicated, with how many refused attempts each would have allowed. */
  grants: { grant: GrantSuggestion; attempts: number; targets: string[] }[];
  /** Attempts no grant can allow (child_process, paths outside the project), by capability and target. */
  ungrantable: { capability: string; target: string; attempts: number }[];
}

/**
 * The smallest grants that would have allowed the denied attempts, per package, leaving out what the
 * policy grants already (a denial from a build older than the policy).
 */
export function grantsForDenials(denials: Denial[], policy: Policy): PackageGrants[] {
  const byPackage = new Map<string, Denial[]>();
  for (const d of denials) byPackage.set(d.package, [...(byPackage.get(d.package) ?? []), d]);
  return [...byPackage].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => {
    const entry = entriesFor(policy, name).find((e) => e.isolate);
    const grants = new Map<string, PackageGrants['grants'][number]>();
    const ungrantable = new Map<string, PackageGrants['ungrantable'][number]>();
    for (const d of list) {
      const grant = grantFor(d.capability, d.target);
      if (!grant) {
        const key = `${d.capability}\u0000${d.target}`;
        const found = ungrantable.get(key) ?? { capability: d.capability, target: d.target, attempts: 0 };
        found.attempts++;
        ungrantable.set(key, found);
        continue;
      }
      if (entry && alreadyGranted(entry.allow, grant)) continue;
      const key = `${grant.field}\u0000${String(grant.value)}`;
      const found = grants.get(key) ?? { grant, attempts: 0, targets: [] };
      found.attempts++;
      if (!found.targets.includes(d.target)) found.targets.push(d.target);
      grants.set(key, found);
    }
    const order = (g: GrantSuggestion) => `${g.field}\u0000${String(g.value)}`;
    return {
      package: name,
      key: entry?.key,
      grants: [...grants.values()].sort((a, b) => order(a.grant).localeCompare(order(b.grant))),
      ungrantable: [...ungrantable.values()].sort((a, b) => b.attempts - a.attempts),
    };
  });
}

function alreadyGranted(allow: Policy['packages'][number]['allow'], grant: GrantSuggestion): boolean {
  if (grant.field === 'env') return allow.env.some((p) => picomatch.isMatch(grant.value, p));
  if (grant.field === 'fs.read') return allow.fs.read.includes(grant.value);
  if (grant.field === 'fs.write') return allow.fs.write.includes(grant.value);
  if (grant.field === 'net') return allow.net.includes(grant.value);
  return allow[grant.field] === true;
}

/**
 * The policy text with the grants added to each package's "allow", edited in place with jsonc-parser:
 * comments, key order and layout stay as the user wrote them; only the changed arrays are rewritten.
 */
export function applyGrants(text: string, policy: Policy, packages: PackageGrants[]): string {
  const { applyEdits, modify } = jsoncParser();
  const formattingOptions: FormattingOptions = { insertSpaces: true, tabSize: detectIndent(text), eol: text.includes('\r\n') ? '\r\n' : '\n' };
  let result = text;
  for (const pkg of packages) {
    if (pkg.key === undefined || pkg.grants.length === 0) continue;
    const raw = (policy.raw.packages as Record<string, { allow?: Record<string, unknown> }>)[pkg.key]?.allow ?? {};
    const lists = new Map<string, { path: string[]; values: unknown[] }>();
    for (const { grant } of pkg.grants) {
      if (grant.value === true) {
        result = applyEdits(result, modify(result, ['packages', pkg.key, 'allow', grant.field], true, { formattingOptions }));
        continue;
      }
      const path = grant.field === 'fs.read' || grant.field === 'fs.write' ? ['fs', grant.field.slice(3)] : [grant.field];
      const id = path.join('.');
      if (!lists.has(id)) {
        const current = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], raw);
        lists.set(id, { path, values: Array.isArray(current) ? [...current] : [] });
      }
      lists.get(id)!.values.push(grant.value);
    }
    for (const { path, values } of lists.values()) {
      result = applyEdits(result, modify(result, ['packages', pkg.key, 'allow', ...path], values, { formattingOptions }));
    }
  }
  return result;
}

function detectIndent(text: string): number {
  const match = /\n( +)"/.exec(text);
  return match ? Math.min(match[1]!.length, 8) : 2;
}
