import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../../policies/policy.schema.json' with { type: 'json' };
import { PolicyError, describeValue } from './errors.ts';
import { ajvModule, levenshtein } from './lazy-modules.ts';

// Compiled on first use: compiling the schema costs tens of milliseconds, which a process that only imports
// this package (isolate-deps/register with an already validated policy) should not pay.
let validate: ValidateFunction | undefined;

/** Checks policy JSON against policies/policy.schema.json and throws the first problem as a PolicyError. */
export function validateAgainstSchema(json: unknown, file: string): void {
  validate ??= new (ajvModule().Ajv)({ allErrors: false, strict: true, strictRequired: false, verbose: true }).compile(schema);
  if (validate(json)) return;
  const error = validate.errors?.[0];
  if (!error) throw new PolicyError(file, '$', 'a valid policy', 'an invalid one');
  throw toPolicyError(error, json, file);
}

function toPolicyError(error: ErrorObject, json: unknown, file: string): PolicyError {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const at = jsonPath(segments);
  const value = lookup(json, segments);
  const schemaNode = lookupSchema(error.parentSchema);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const known = Object.keys(schemaNode.properties ?? {});
      return new PolicyError(file, jsonPath([...segments, key]), `one of the known keys ${known.map((k) => `"${k}"`).join(', ')}`, `unknown key "${key}"`, didYouMean(key, known));
    }
    case 'required': {
      const missing = String(error.params.missingProperty);
      // A required key that is missing is most often a misspelled one: name that key instead.
      const known = Object.keys(schemaNode.properties ?? {});
      const misspelled = Object.keys((value ?? {}) as object).find((key) => !known.includes(key) && didYouMean(key, [missing]));
      if (misspelled) return new PolicyError(file, jsonPath([...segments, misspelled]), `one of the known keys ${known.map((k) => `"${k}"`).join(', ')}`, `unknown key "${misspelled}"`, didYouMean(misspelled, [missing]));
      return new PolicyError(file, jsonPath([...segments, missing]), `a "${missing}" key`, 'nothing');
    }
    case 'type':
      return new PolicyError(file, at, String(error.params.type), describeValue(value));
    case 'enum':
      return new PolicyError(file, at, `one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, describeValue(value));
    default:
      return new PolicyError(file, at, `a value that ${error.message ?? 'matches the schema'}`, describeValue(value));
  }
}

function lookupSchema(node: unknown): { properties?: Record<string, unknown> } {
  return (node ?? {}) as { properties?: Record<string, unknown> };
}

/** Renders path segments as `$.packages["yaml"].allow.env[0]`. */
export function jsonPath(segments: string[]): string {
  return segments.reduce((acc, s) => {
    if (/^\d+$/.test(s)) return `${acc}[${s}]`;
    if (/^[A-Za-z_$][\w$]*$/.test(s)) return `${acc}.${s}`;
    return `${acc}[${JSON.stringify(s)}]`;
  }, '$');
}

function lookup(json: unknown, segments: string[]): unknown {
  let node: unknown = json;
  for (const s of segments) node = (node as Record<string, unknown> | undefined)?.[s];
  return node;
}

/** `did you mean "packages"?` for a key within a few typos of a known one. */
export function didYouMean(word: string, candidates: string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const { closest, distance } = levenshtein();
  const best = closest(word, candidates);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? `did you mean "${best}"?` : undefined;
}
