export { PolicyError } from './errors.ts';
export { parsePackageKey, type PackageKey } from './key.ts';
export { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy } from './load.ts';
export { entriesFor, findPackagePolicy } from './match.ts';
export { didYouMean, jsonPath } from './schema.ts';
export type { Grant, InstallScriptName, InstanceMode, PackagePolicy, ThreadMode, Policy, ScriptGrant, ViolationMode } from './types.ts';
export { allowPath, grantFor, grantJson, type GrantSuggestion } from './grant-suggestion.ts';
export { applyGrants, grantsForDenials, type Denial, type PackageGrants } from './grant-edit.ts';
