import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY_FILE, loadPolicy } from '@isolate-deps/policy';
import { runScripts, SandboxUnavailableError, type ScriptsReport } from '@isolate-deps/sandbox';
import { formatScriptsJson, formatScriptsSarif, formatScriptsText, scriptsSummary } from '../format/scripts.ts';
import { exitOnSignals, UsageError, type Output } from '../terminal.ts';
import { cliVersion } from '../version.ts';
import { oneOf } from './audit.ts';
import type { Command } from './command.ts';
import { ROOT_AND_POLICY, rootOf } from './policy-option.ts';

const FORMATS = ['text', 'json', 'sarif'] as const;

/** `isolate-deps scripts`: the install scripts the policy allows, each in its own sandbox. */
export const scriptsCommand: Command = {
  name: 'scripts',
  summary: 'run the install scripts that allowScripts allows, each in a sandbox (after an --ignore-scripts install)',
  help: `Usage: isolate-deps scripts [--policy F] [--root DIR] [--format text|json|sarif] [--output F] [--verbose] [--unsandboxed]

Runs the lifecycle scripts of the installed dependencies (preinstall, install, postinstall, and the
implicit node-gyp rebuild of a package with binding.gyp) that the policy's "allowScripts" allows, in
dependency order, each in its own bubblewrap sandbox: no network (unless granted), an empty HOME, the
project's sources hidden, node_modules read-only but the package's own folder, no tokens in the
environment, memory/process/time limits. Every other script is listed as skipped.

  npm:   npm ci --ignore-scripts && npx isolate-deps scripts      (or ignore-scripts=true in .npmrc)
  pnpm:  pnpm install && npx isolate-deps scripts                 (pnpm 10 runs no dependency scripts by default)

Options:
  --policy F       policy file (default: isolate-deps.policy.json in the root)
  --root DIR       project folder whose node_modules holds the dependencies (default: current folder)
  --format F       text (default), json or sarif
  --output F       write the report to F instead of standard output
  --verbose        stream each script's output to standard error
  --unsandboxed    run the allowed scripts WITHOUT a sandbox, with your environment and network (as npm would)
  -h, --help       show this help

Exit codes: 0 every script ran clean, 1 a script failed or violated the sandbox, 2 usage error or no sandbox here.
`,
  options: {
    ...ROOT_AND_POLICY,
    format: { type: 'string', default: 'text' },
    output: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    unsandboxed: { type: 'boolean', default: false },
  },
  async run(values, positionals, out) {
    exitOnSignals();
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const format = oneOf(values.format, FORMATS, '--format');
    const root = rootOf(values);
    const policyFile = typeof values.policy === 'string' ? path.resolve(values.policy) : path.join(root, DEFAULT_POLICY_FILE);
    if (typeof values.policy !== 'string' && !existsSync(policyFile)) out.error(`isolate-deps scripts: no ${DEFAULT_POLICY_FILE} in ${root}: no install script is allowed, all are skipped (write one with \`isolate-deps init\`)\n`);
    const policy = existsSync(policyFile) || typeof values.policy === 'string' ? loadPolicy(policyFile) : undefined;
    const unsandboxed = values.unsandboxed === true;
    if (unsandboxed) out.error(`\n${'!'.repeat(78)}\n!! isolate-deps scripts --unsandboxed: install scripts run WITHOUT a sandbox, with your\n!! user's rights, your full environment (tokens included), your files and the network.\n${'!'.repeat(78)}\n\n`);
    let report: ScriptsReport;
    try {
      report = await runScripts({
        root,
        policy,
        unsandboxed,
        onScript: (s) => out.error(`> ${s.name}@${s.version} ${s.event}: ${s.command}\n`),
        ...(values.verbose ? { onOutput: (_: unknown, chunk: string) => out.error(chunk) } : {}),
      });
    } catch (error) {
      if (error instanceof SandboxUnavailableError) {
        out.error(`isolate-deps scripts: no sandbox: ${error.reason}.\n${error.hint}.\n`);
        return 2;
      }
      throw error;
    }
    const text = format === 'json' ? formatScriptsJson(report) : format === 'sarif' ? formatScriptsSarif(report, cliVersion()) : formatScriptsText(report, out.color && typeof values.output !== 'string');
    if (typeof values.output === 'string') {
      writeFileSync(path.resolve(values.output), text);
      out.error(`${scriptsSummary(report)}\n`);
    } else out.write(text);
    return report.scripts.some((r) => r.violations.length > 0) ? 1 : 0;
  },
};
