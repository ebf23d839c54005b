import { createRequire } from 'node:module';

// The schema validator, the JSONC parser, semver and the did-you-mean matcher load on first use: a process that only reads a policy
// that was already validated (isolate-deps/register with a policy `isolate-deps build` checked), without
// version ranges, never needs them. Loading them cost about 180 ms of a register start-up.
const require = createRequire(import.meta.url);

export const ajvModule = (): typeof import('ajv') => require('ajv') as typeof import('ajv');
export const jsoncParser = (): typeof import('jsonc-parser') => require('jsonc-parser') as typeof import('jsonc-parser');

type Semver = typeof import('semver');
export const semverModule = (): Semver => require('semver') as Semver;
export const levenshtein = (): typeof import('fastest-levenshtein') => require('fastest-levenshtein') as typeof import('fastest-levenshtein');
