import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PolicyError } from './errors.ts';
import { parsePackageKey } from './key.ts';
import { validateAgainstSchema } from './schema.ts';
import { PolicySource, pathSegments } from './source-location.ts';
import type { Grant, InstallScriptName, PackagePolicy, Policy, ScriptGrant, ViolationMode } from './types.ts';

export const DEFAULT_POLICY_FILE = 'isolate-deps.policy.json';

/** Reads and validates a policy file. Relative paths in it resolve against the file's folder. */
export function loadPolicy(file: string): Policy {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new PolicyError(absolute, '$', 'a readable policy file', reason, `create ${DEFAULT_POLICY_FILE} or pass its path`);
  }
  return parsePolicy(text, absolute);
}

/** Validates policy JSON text; `file` names it in errors and sets the root for relative paths. */
export function parsePolicy(text: string, file: string): Policy {
  const source = new PolicySource(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const syntax = source.syntaxError();
    const got = syntax ? `invalid JSON (${syntax.reason.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase()})` : (error as Error).message;
    throw new PolicyError(file, '$', 'valid JSON', got, undefined, syntax?.location);
  }
  try {
    return toPolicy(json, file);
  } catch (error) {
    // Every check below names a JSON path; the file's text turns it into line:column.
    if (!(error instanceof PolicyError) || error.location) throw error;
    throw new PolicyError(error.file, error.jsonPath, error.expected, error.got, error.hint, source.locate(pathSegments(error.jsonPath)));
  }
}

function toPolicy(json: unknown, file: string): Policy {
  validateAgainstSchema(json, file);
  const raw = json as { onViolation?: ViolationMode; packages: Record<string, Record<string, unknown>> };
  const onViolation = raw.onViolation ?? 'throw';
  const seen = new Map<string, string>();
  const packages = Object.entries(raw.packages).map(([key, entry]) => {
    const parsed = parsePackageKey(key);
    if (typeof parsed === 'string') {
      throw new PolicyError(file, `$.packages[${JSON.stringify(key)}]`, 'a key "name" or "name@semver-range"', JSON.stringify(key), parsed);
    }
    const previous = seen.get(parsed.name);
    if (previous !== undefined && parsed.range === undefined) {
      throw new PolicyError(file, `$.packages[${JSON.stringify(key)}]`, 'one entry per package without a range', `a second entry for "${parsed.name}" (also ${JSON.stringify(previous)})`);
    }
    seen.set(parsed.name, key);
    return toPackagePolicy(key, parsed.name, parsed.range, entry, onViolation, file);
  });
  return { file, root: path.dirname(file), onViolation, packages, raw: json as Record<string, unknown> };
}

function toPackagePolicy(
  key: string,
  name: string,
  range: string | undefined,
  entry: Record<string, unknown>,
  globalMode: ViolationMode,
  file: string,
): PackagePolicy {
  const allow = (entry.allow ?? {}) as Partial<Grant> & { fs?: { read?: string[]; write?: string[] } };
  const instance = (entry.instance as PackagePolicy['instance'] | undefined) ?? 'shared';
  if (entry.poolSize !== undefined && instance !== 'pool') {
    throw new PolicyError(file, `$.packages[${JSON.stringify(key)}].poolSize`, '"poolSize" only with "instance": "pool"', `"instance": ${JSON.stringify(instance)}`);
  }
  const thread = (entry.thread as PackagePolicy['thread'] | undefined) ?? 'caller';
  const limits = { ...(entry.limits as PackagePolicy['limits'] | undefined) };
  if (thread === 'worker' && limits.timeoutMs === undefined) {
    throw new PolicyError(file, `$.packages[${JSON.stringify(key)}].thread`, '"thread": "worker" only with "limits.timeoutMs"', 'no limits.timeoutMs', 'a worker thread is what stops a call at its time limit; without one, leave "thread" out');
  }
  return {
    key,
    name,
    range,
    isolate: entry.isolate === true,
    allow: {
      fs: { read: allow.fs?.read ?? [], write: allow.fs?.write ?? [] },
      env: allow.env ?? [],
      net: allow.net ?? [],
      clock: allow.clock ?? true,
      random: allow.random ?? true,
      console: allow.console ?? true,
    },
    limits,
    instance,
    poolSize: (entry.poolSize as number | undefined) ?? 1,
    thread,
    onViolation: (entry.onViolation as ViolationMode | undefined) ?? globalMode,
    reviewed: entry.reviewed as string[] | undefined,
    ...scriptsOf(entry.allowScripts),
    raw: entry,
  };
}

const ALL_SCRIPTS: InstallScriptName[] = ['preinstall', 'install', 'postinstall'];

/** "allowScripts" in its three schema forms (true, a list of names, names to grants) as names plus sandbox grants. */
function scriptsOf(value: unknown): Pick<PackagePolicy, 'allowScripts' | 'scriptGrants'> {
  const grant = (g?: Partial<ScriptGrant>): ScriptGrant => ({ net: g?.net ?? [], env: g?.env ?? [], limits: { ...g?.limits } });
  let names: InstallScriptName[] = [];
  const grants: Partial<Record<InstallScriptName, ScriptGrant>> = {};
  if (value === true) names = ALL_SCRIPTS;
  else if (Array.isArray(value)) names = value as InstallScriptName[];
  else if (value && typeof value === 'object') {
    for (const [name, g] of Object.entries(value as Record<string, true | Partial<ScriptGrant>>)) {
      names.push(name as InstallScriptName);
      grants[name as InstallScriptName] = grant(g === true ? undefined : g);
    }
  }
  for (const name of names) grants[name] ??= grant();
  return { allowScripts: names, scriptGrants: grants };
}
