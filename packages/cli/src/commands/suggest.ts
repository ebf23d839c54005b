import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { applyGrants, DEFAULT_POLICY_FILE, grantJson, grantsForDenials, loadPolicy, parsePolicy, type Denial, type PackageGrants } from '@isolate-deps/policy';
import { readTrace, TraceFileError } from '@isolate-deps/trace';
import { styles, UsageError, type Output } from '../terminal.ts';
import type { Command } from './command.ts';
import { rootOf } from './policy-option.ts';

/** `isolate-deps suggest`: the grants one run of the app needed, as a reviewable change to the policy. */
export const suggestCommand: Command = {
  name: 'suggest',
  summary: 'run the app once and propose the grants its isolated packages were denied (--write applies them)',
  help: `Usage: isolate-deps suggest [--policy F] [--write] -- <command> [args...]
       isolate-deps suggest [--policy F] [--write] --trace <file>

Runs <command> once (your app, e.g. \`node dist/app.mjs\`, or its tests) with every denial recorded, then
prints the smallest grants that would have allowed what each isolated package attempted: exact env names,
fs folders (./config/**), host:port. They are shown as a diff of the policy, for review; --write applies
them in place: only the lines the grants go on change. Rebuild afterwards: a new grant changes the component.
Capabilities no grant can give (child_process, paths outside the project) are listed, never granted.

Options:
  --policy F    the policy file (default: isolate-deps.policy.json, found from here up)
  --trace F     read denials from a trace written with ISOLATE_DEPS_TRACE=F instead of running a command
  --write       apply the grants to the policy file
  -h, --help    show this help
`,
  options: { policy: { type: 'string' }, root: { type: 'string' }, trace: { type: 'string' }, write: { type: 'boolean', default: false } },
  async run(values, positionals, out) {
    const file = typeof values.policy === 'string' ? path.resolve(values.policy) : path.join(rootOf(values), DEFAULT_POLICY_FILE);
    loadPolicy(file); // a policy that does not load fails here, before the app runs
    if ((typeof values.trace === 'string') === positionals.length > 0) throw new UsageError('give either a command to run (after --) or --trace <file>, e.g. `isolate-deps suggest -- node dist/app.mjs`');
    const denials = typeof values.trace === 'string' ? readDenials(values.trace) : runOnce(positionals, out);
    // Read after the run: the user may have edited the policy while the app ran, and the edit is what gets the grants.
    const text = readFileSync(file, 'utf8');
    const policy = parsePolicy(text, file);
    const packages = grantsForDenials(denials, policy).filter((p) => p.grants.length > 0 || p.ungrantable.length > 0);
    const s = styles(out.color);
    if (packages.length === 0) {
      out.write(`isolate-deps suggest: no denials in this run: the isolated packages had every grant they used.\n`);
      return 0;
    }
    out.write(`\nisolate-deps suggest: ${denials.length} denied attempt${denials.length === 1 ? '' : 's'} by ${packages.length} package${packages.length === 1 ? '' : 's'}:\n`);
    for (const pkg of packages) out.write(describe(pkg, s));
    const updated = applyGrants(text, packages);
    if (updated === text) return 0;
    const shown = path.relative(process.cwd(), file) || file;
    out.write(`\n${colorDiff(createTwoFilesPatch(shown, shown, text, updated, '', 'with the suggested grants', { context: 2 }), s)}`);
    if (!values.write) {
      out.write(`\nReview it, then apply it with \`npx isolate-deps suggest --write ...\` (or edit ${shown}); rebuild afterwards.\n`);
      return 0;
    }
    parsePolicy(updated, file); // the edited text must load before it replaces anything
    replaceFile(file, updated);
    out.write(`\nupdated ${shown}; rebuild the app so the components get the new grants.\n`);
    return 0;
  },
};

/**
 * Writes next to the file, then renames over it: a reader (a build, an editor) sees the old policy or the new
 * one, never half of it, and a failed write leaves the old one in place. A symlinked policy is replaced at its
 * target, with the file's permissions kept.
 */
function replaceFile(file: string, text: string): void {
  const target = realpathSync(file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    chmodSync(temporary, statSync(target).mode & 0o7777); // exact: writeFileSync's mode goes through the umask
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Runs the command with the runtime's trace on (ISOLATE_DEPS_TRACE) and returns the denials it recorded. */
function runOnce(command: string[], out: Output): Denial[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isolate-deps-suggest-'));
  const trace = path.join(dir, 'trace.jsonl');
  try {
    out.error(`isolate-deps suggest: running \`${command.join(' ')}\` once, recording every denial…\n`);
    const run = spawnSync(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, ISOLATE_DEPS_TRACE: trace } });
    if (run.error) throw new UsageError(`could not run \`${command[0]}\`: ${run.error.message}`);
    if (run.status !== 0) out.error(`isolate-deps suggest: the command exited with ${run.status ?? run.signal}; its denials so far still count\n`);
    try {
      return readDenials(trace);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_TRACE_FILE' && /cannot read/.test((error as Error).message)) return []; // nothing isolated ran
      throw error;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readDenials(file: string): Denial[] {
  try {
    return readTrace(file)
      .filter((e) => e.type === 'denial')
      .map((e) => ({ package: e.package, capability: String(e.capability), target: String(e.target) }));
  } catch (error) {
    if (error instanceof TraceFileError && !/cannot read/.test(error.message)) throw new UsageError(error.message);
    throw error;
  }
}

// Targets come from the isolated package (through the trace): control characters, C1 and bidi overrides are
// escaped before they reach the terminal, as the runtime's own denial lines do.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const printable = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text).replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function describe(pkg: PackageGrants, s: ReturnType<typeof styles>): string {
  const lines = [``, s.bold(pkg.key === undefined ? `${printable(pkg.package)} (no entry isolates it in the policy: nothing to add)` : `${pkg.package} ("${pkg.key}")`)];
  // One line per field: "env": ["LOG_STREAM", "LOG_TOKENS"], as it will read in the policy.
  const byField = new Map<string, PackageGrants['grants']>();
  for (const g of pkg.grants) byField.set(g.grant.field, [...(byField.get(g.grant.field) ?? []), g]);
  for (const grants of byField.values()) {
    const attempts = grants.reduce((sum, g) => sum + g.attempts, 0);
    const json = grants[0]!.grant.value === true ? grantJson(grants[0]!.grant) : grantJson(grants[0]!.grant).replace(/\[.*\]/, `[${grants.map((g) => JSON.stringify(g.grant.value)).join(', ')}]`);
    const targets = grants.flatMap((g) => g.targets).filter((t) => !grants.some((g) => String(g.grant.value) === t));
    const seen = targets.length === 0 ? '' : ` for ${targets.slice(0, 3).map(printable).join(', ')}${targets.length > 3 ? ` and ${targets.length - 3} more` : ''}`;
    lines.push(`  + ${json}  ${s.dim(`(${attempts} denied attempt${attempts === 1 ? '' : 's'}${seen})`)}`);
  }
  for (const u of pkg.ungrantable) {
    const capability = /^[a-z_.]+$/.test(u.capability) ? u.capability : printable(u.capability);
    const why = ['fs.read', 'fs.write', 'env', 'net'].includes(u.capability) ? 'not a plain name, path inside the project, or host:port: grant it by hand if you mean it' : 'a component can never have it';
    lines.push(`  ! ${capability} ${printable(u.target)}  ${s.dim(`(${u.attempts}×) no grant suggested: ${why}`)}`);
  }
  return `${lines.join('\n')}\n`;
}

function colorDiff(patch: string, s: ReturnType<typeof styles>): string {
  return patch
    .split('\n')
    .filter((line) => !line.startsWith('====='))
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? s.green(line) : line.startsWith('-') && !line.startsWith('---') ? s.red(line) : line))
    .join('\n');
}
