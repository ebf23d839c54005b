import { semverModule } from './lazy-modules.ts';

/** A policy key split into the package name and its optional semver range. */
export interface PackageKey {
  name: string;
  range: string | undefined;
}

// npm names: optional @scope/, then lowercase url-safe characters.
const NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Parses "name" or "name@range" ("@scope/name@^1"); returns a reason string when invalid. */
export function parsePackageKey(key: string): PackageKey | string {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
  const name = at === -1 ? key : key.slice(0, at);
  const range = at === -1 ? undefined : key.slice(at + 1);
  if (!NAME.test(name)) return `"${name}" is not a valid npm package name`;
  if (range !== undefined && semverModule().validRange(range) === null) return `"${range}" is not a valid semver range`;
  return { name, range };
}
