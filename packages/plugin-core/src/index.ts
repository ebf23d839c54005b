export { createIsolation, packageNameOf, policyFileOf, type Isolation, type IsolationOptions, type IsolationTarget } from './isolation.ts';
export { policyWarnings } from './policy-warnings.ts';
export { CannotIsolateError, checkCanIsolate } from './isolation-check.ts';
