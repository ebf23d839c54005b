import { randomFillSync } from 'node:crypto';
import type { Grant } from '@isolate-deps/policy';
import { detachedBoundaryImports } from './boundary-session.ts';
import { createEnvProvider } from './env-provider.ts';
import { createFsProvider } from './fs-provider.ts';
import { createIntlProvider } from './intl-provider.ts';
import { createNetProvider, type NetLimits } from './net-provider.ts';
import { prefixedLines } from './terminal-text.ts';
import { denialReporter } from './violations.ts';

export interface BindingContext {
  packageName: string;
  grant: Grant;
  /** Project root: relative fs globs and guest paths resolve against it. */
  root: string;
  /** Shown in messages, e.g. "isolate-deps.policy.json". */
  policyFile: string;
  /** At build time the guest only describes its exports: it gets no environment, files or network, and nothing is reported. */
  inert?: boolean;
  /** The package's limits: they also bound its requests (time, response size). */
  limits?: NetLimits;
}

/**
 * The imports object for one instance, generated from the package's grant. Only granted interfaces
 * are present (the component does not import the others); no WASI shim is ever involved.
 */
export function createHostImports(context: BindingContext): Record<string, Record<string, unknown>> {
  const { packageName, grant } = context;
  const { report, deny } = denialReporter(context);
  const inertGrant: Grant = { ...grant, fs: { read: [], write: [] }, env: [], net: [] };
  const effective = context.inert ? inertGrant : grant;

  const imports: Record<string, Record<string, unknown>> = {
    'isolate:guest/boundary': { reportDenial: report, ...detachedBoundaryImports() },
    'isolate:guest/intl': createIntlProvider(),
  };
  if (grant.console) {
    imports['isolate:guest/console'] = {
      write(level: string, text: string) {
        if (context.inert) return;
        // Escaped, and every line behind the prefix: the package cannot forge or rewrite the host's lines.
        (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${prefixedLines(`[${packageName}] `, String(text))}\n`);
      },
    };
  }
  if (grant.clock) imports['isolate:guest/clock'] = { now: () => Date.now(), monotonic: () => process.hrtime.bigint() };
  if (grant.random) {
    imports['isolate:guest/random'] = {
      fill(length: number) {
        if (length > 65536) throw new RangeError('isolate-deps: at most 65536 random bytes per call');
        return randomFillSync(new Uint8Array(length));
      },
    };
  }
  if (grant.env.length > 0) imports['isolate:guest/env'] = createEnvProvider(effective.env, (name) => report('env', name));
  if (grant.fs.read.length > 0 || grant.fs.write.length > 0) imports['isolate:guest/fs'] = createFsProvider(context.root, effective.fs, deny);
  if (grant.net.length > 0) imports['isolate:guest/net'] = createNetProvider(effective.net, (target, why) => deny('net', target, why), context.limits);
  return imports;
}
