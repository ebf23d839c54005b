import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { audit, resolveEntryFile, type AuditReport, type Severity } from '@isolate-deps/analyzer';
import { formatJson } from '../format/json.ts';
import { formatMarkdown } from '../format/markdown.ts';
import { formatSarif } from '../format/sarif.ts';
import { formatText, summaryLine } from '../format/text.ts';
import { UsageError, type Output } from '../terminal.ts';
import { cliVersion } from '../version.ts';
import { workerScript } from '../worker-script.ts';
import type { Command, OptionValues } from './command.ts';
import { INCLUDE, ROOT_AND_POLICY, declaresDependencies, policyFor, requireProject, rootOf, scopeOf } from './policy-option.ts';

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
const FAIL_ON = ['error', 'warning', 'never'] as const;
const RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

/** `isolate-deps audit`: what every installed package can do, checked against the policy. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'analyse every installed package and check it against the policy (the CI gate)',
  help: `Usage: isolate-deps audit [--policy F] [--entry FILE ...] [--format text|json|sarif|markdown] [--fail-on error|warning|never] [--output F]

Reads the installed dependency tree (npm, pnpm, yarn classic), finds what each package's code can do
(Node built-ins, process.env, fetch, eval, native code, install scripts) and checks it against the policy.
It audits the app's production dependencies; isolate-deps' own packages, and what only they pull in, never count.
With --entry it audits only the packages the app's entry file reaches: the packages its static
require()/import() name, then theirs, and so on; a computed require() or import() counts every
dependency of its package and of the project. Other installed packages are left out, and the summary
says how many.

Options:
  --policy F       policy file (default: isolate-deps.policy.json in the root, optional)
  --root DIR       project folder (default: the nearest folder from here up with the policy, else a package.json)
  --include=dev    audit the dev dependencies too
  --entry FILE     audit what FILE reaches, as \`node FILE\` finds it ("." is the project's main); repeatable
                   (a worker or child script started by path is an entry of its own)
  --format F       text (default), json, sarif (GitHub code scanning) or markdown ($GITHUB_STEP_SUMMARY)
  --fail-on L      exit 1 when a finding is at or above L: error (default), warning, or never
  --output F       write the report to F instead of standard output
  --no-cache       analyse every package again instead of reusing node_modules/.cache/isolate-deps
  -h, --help       show this help

Exit codes: 0 clean, 1 a finding at or above --fail-on, 2 usage or configuration error.
`,
  options: {
    ...ROOT_AND_POLICY,
    ...INCLUDE,
    format: { type: 'string', default: 'text' },
    'fail-on': { type: 'string', default: 'error' },
    output: { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    entry: { type: 'string', multiple: true },
  },
  async run(values, positionals, out) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const format = oneOf(values.format, FORMATS, '--format');
    const failOn = oneOf(values['fail-on'], FAIL_ON, '--fail-on');
    const scope = scopeOf(values);
    const root = rootOf(values);
    requireProject(root, typeof values.root === 'string');
    const entry = entryFiles(values, root);
    const policy = policyFor(root, values.policy, out);
    const report = await audit({ root, policy, scope, entry, cacheFile: values['no-cache'] ? false : undefined, onProgress: progressLine(out), workerScript: workerScript() });
    // A gate that audited nothing must not pass: nothing installed is a setup problem, not a clean result.
    if (report.stats.packages + report.stats.outOfScope === 0 && declaresDependencies(root)) {
      throw new UsageError(`nothing is installed under ${root} (no node_modules), though its package.json declares dependencies; run npm install (or pnpm/yarn install) first`);
    }
    const toFile = typeof values.output === 'string';
    const text = render(report, format, out.color && !toFile);
    if (toFile) {
      writeFileSync(path.resolve(values.output as string), text);
      out.error(`${summaryLine(report)}\n`);
    } else out.write(text);
    return failOn !== 'never' && report.findings.some((f) => RANK[f.severity] >= RANK[failOn]) ? 1 : 0;
  },
};

/** --entry: each file as `node FILE` run here finds it, else relative to the project root. */
function entryFiles(values: OptionValues, root: string): string[] | undefined {
  const entries = (values as Record<string, unknown>).entry as string[] | undefined;
  if (entries === undefined) return undefined;
  if (values.include !== undefined) throw new UsageError('--entry and --include both choose which packages are audited: pass one');
  return entries.map((entry) => {
    const file = resolveEntryFile(process.cwd(), entry) ?? resolveEntryFile(root, entry);
    if (file === undefined) throw new UsageError(`--entry ${entry}: no such file in ${process.cwd()}${root === process.cwd() ? '' : ` or ${root}`} (tried it with .js, .cjs, .mjs and .ts, and as a folder's main or index)`);
    return file;
  });
}

function render(report: AuditReport, format: (typeof FORMATS)[number], color: boolean): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, cliVersion());
    case 'markdown':
      return formatMarkdown(report);
    default:
      return formatText(report, color);
  }
}

/** A one-line progress display on an interactive stderr, shown only when a scan takes a while. */
function progressLine(out: Output): ((done: number, total: number, current: string) => void) | undefined {
  if (!out.progress) return undefined;
  const started = Date.now();
  let shown = false;
  return (done, total, current) => {
    if (done === total) {
      if (shown) out.error('\r\u001b[K');
      return;
    }
    if (Date.now() - started < 300) return;
    shown = true;
    out.error(`\r\u001b[Kauditing ${done}/${total} ${current}`);
  };
}

/** Checks a string option against its allowed values. */
export function oneOf<T extends string>(value: string | boolean | undefined, allowed: readonly T[], option: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}
