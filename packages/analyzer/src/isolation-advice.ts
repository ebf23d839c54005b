import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Capability } from './capabilities.ts';
import { componentCapabilities, NEVER_IN_COMPONENT } from './policy-rules.ts';
import type { AuditedPackage, Evidence } from './types.ts';

/** What init, explain and the build say about isolating one package: one verdict, one set of reasons. */
export interface IsolationAdvice {
  package: string;
  /** cannot: it needs what a component cannot have; propose: worth isolating; optional: possible, little to gain. */
  verdict: 'cannot' | 'propose' | 'optional';
  /** Why, in the order they matter ("parses untrusted input (YAML)", "reads env LOG_TOKENS"). */
  reasons: string[];
  /** Higher first: how much isolating it protects. */
  score: number;
  /** For "cannot": what keeps it out of a component, with evidence (files relative to the audit root). */
  blockers: { capability: Capability; evidence: Evidence[] }[];
}

// Words in a package's name, description or keywords that say it reads data the app did not write.
const UNTRUSTED_INPUT = /\b(pars(?:e|er|ers|ing)|markdown|yaml|xml|html|csv|toml|ini|sanitiz\w*|templat\w*|serializ\w*|deserializ\w*|decod\w*|unzip|tar|archive|image|pdf|protobuf|msgpack|multipart|querystring)\b/i;

// A component can hold these but a user must grant them: what isolating a package takes away from it.
const RISK_WEIGHT: Partial<Record<Capability, number>> = { net: 3, 'fs.write': 3, eval: 2, env: 1, 'fs.read': 1 };
const HIGH_RISK: Capability[] = ['net', 'fs.write'];

// Native evidence that means an addon, not a probe of process.binding() that the package guards itself (lodash).
const NATIVE_CODE = /^(?:native addon|binding\.gyp|prebuilt binary)/;

const WHY_NOT: Record<string, string> = {
  child_process: 'starts processes (child_process), which a WebAssembly component can never do',
  native: 'loads native code (a .node addon), which a WebAssembly component cannot load',
  worker: 'starts threads (worker_threads/cluster), which a WebAssembly component cannot do',
  'dynamic-import': 'loads a computed path, which a bundle cannot hold',
};

/** The advice for one audited package, with its dependencies (they run inside its component). */
export function isolationAdvice(root: string, pkg: AuditedPackage, packages: AuditedPackage[]): IsolationAdvice {
  const manifest = readDescription(path.join(root, pkg.manifest));
  const detected = componentCapabilities(pkg, packages);
  // As the build's check (isolation-blockers.ts): a native addon blocks wherever it is, but only the package's own
  // processes, threads and computed loads do. A dependency's (pino's thread-stream worker, its real-require) sit on
  // paths it guards or seldom takes; inside the component each such call is denied, and the audit reports it.
  const own = (e: Evidence) => e.file.startsWith(`${pkg.dir}/`);
  const blockers = [...NEVER_IN_COMPONENT, 'dynamic-import' as const]
    .map((capability) => ({ capability, evidence: (detected.get(capability)?.evidence ?? []).filter((e) => (capability === 'native' ? NATIVE_CODE.test(e.detail) : own(e))) }))
    .filter((b) => b.evidence.length > 0);
  if (blockers.length > 0) {
    const reasons = blockers.map((b) => `${WHY_NOT[b.capability]}${b.evidence[0] ? ` (${b.evidence[0].file}:${b.evidence[0].line})` : ''}`);
    return { package: pkg.id, verdict: 'cannot', reasons, score: 0, blockers };
  }
  const reasons: string[] = [];
  let score = 0;
  const words = [pkg.name, typeof manifest.description === 'string' ? manifest.description : '', ...(Array.isArray(manifest.keywords) ? manifest.keywords : [])].join(' ');
  const input = UNTRUSTED_INPUT.exec(words.replace(/[-_]/g, ' '));
  if (input) {
    score += 4;
    reasons.push(`handles untrusted input ("${input[0].toLowerCase()}" in its description)`);
  }
  for (const [capability, weight] of Object.entries(RISK_WEIGHT) as [Capability, number][]) {
    const found = detected.get(capability);
    if (!found) continue;
    score += weight;
    const names = [...found.names].filter((n) => n !== '*');
    reasons.push(capability === 'env' && names.length > 0 ? `reads env ${names.join(', ')}` : `uses ${capability}${found.evidence[0] ? ` (${found.evidence[0].file}:${found.evidence[0].line})` : ''}`);
  }
  const highRisk = HIGH_RISK.some((c) => detected.has(c));
  return { package: pkg.id, verdict: input || highRisk ? 'propose' : 'optional', reasons, score, blockers: [] };
}

function readDescription(file: string): { description?: unknown; keywords?: unknown } {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { description?: unknown; keywords?: unknown };
  } catch {
    return {};
  }
}
