import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { RegisterError } from './errors.ts';
import { lookupComponent, specifiersToBuild, type ReadyComponent } from './component-records.ts';
import { IsolatedFiles, type IsolatedTarget } from './isolated-files.ts';

/** Everything both loaders (the CommonJS patch and the ES module hooks, maybe on another thread) need: plain data. */
export interface RegisterContext {
  policyFile: string;
  root: string;
  cacheDir: string;
  frozen: boolean;
  tool: string;
  /** The isolate-deps CLI, run to compile a component on first use. */
  cliFile: string;
  /** URL of the module that turns a component into its roots on the main thread (isolated-roots). */
  rootsUrl: string;
  isolatedNames: string[];
  targets: IsolatedTarget[];
}

/** The per-thread side of a RegisterContext: which files are isolated, and the components found so far. */
export class ComponentFinder {
  readonly files: IsolatedFiles;
  private readonly found = new Map<string, ReadyComponent>();
  readonly byKey = new Map<string, ReadyComponent>();

  constructor(readonly context: RegisterContext) {
    this.files = new IsolatedFiles(context.targets, context.isolatedNames);
  }

  /**
   * The component serving `specifier` of `target`. Compiled here when missing or stale (a one-line notice on
   * stderr), unless frozen: then an error naming the command that builds it.
   */
  componentFor(target: IsolatedTarget, specifier: string): ReadyComponent {
    const memo = this.found.get(specifier);
    if (memo) return memo;
    const { cacheDir, policyFile, tool, frozen } = this.context;
    let lookup = lookupComponent(cacheDir, policyFile, tool, target, specifier);
    if (!lookup.ready) {
      const specifiers = specifiersToBuild(cacheDir, policyFile, target.name, [specifier]);
      if (frozen) throw notBuilt(target, specifier, lookup.reason, this.context);
      process.stderr.write(`isolate-deps: compiling ${target.name}@${target.version} into its component (${lookup.reason}); \`npx isolate-deps build\` does this ahead of time\n`);
      compileInChild(this.context, target, specifiers);
      lookup = lookupComponent(cacheDir, policyFile, tool, target, specifier);
      if (!lookup.ready) throw new RegisterError('ERR_ISOLATE_COMPILE_FAILED', `isolate-deps: compiling "${target.name}" left no usable component (${lookup.reason})`);
    }
    this.found.set(specifier, lookup.ready);
    this.byKey.set(lookup.ready.key, lookup.ready);
    return lookup.ready;
  }
}

/**
 * Frozen: every isolated package must have an up-to-date component before the app starts, so a deployment
 * that skipped `isolate-deps build` fails at once, not at the first import of a rarely used package.
 */
export function assertComponentsBuilt(context: RegisterContext): void {
  for (const target of context.targets) {
    if (target.entryHash === undefined) continue; // refused at load with its own error
    const lookup = lookupComponent(context.cacheDir, context.policyFile, context.tool, target, undefined);
    if (!lookup.ready) throw notBuilt(target, target.name, lookup.reason, context);
  }
}

/** Componentizing is asynchronous and `require` is not: the CLI does it in a child process that this one waits for. */
function compileInChild(context: RegisterContext, target: IsolatedTarget, specifiers: string[]): void {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the compiler must not run under this hook
  const args = [context.cliFile, 'build', '--policy', context.policyFile, '--cache-dir', context.cacheDir, '--package', target.name, '--specifiers', specifiers.join(','), '--quiet'];
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) {
    const why = child.error ? child.error.message : (child.stderr || child.stdout).trim();
    throw new RegisterError('ERR_ISOLATE_COMPILE_FAILED', `isolate-deps: compiling "${target.name}" for isolation failed:\n${why}`);
  }
}

function notBuilt(target: IsolatedTarget, specifier: string, reason: string, context: RegisterContext): Error {
  const policy = path.relative(process.cwd(), context.policyFile) || context.policyFile;
  const extra = specifier === target.name ? '' : ` --specifiers ${specifier}`;
  return new RegisterError(
    'ERR_ISOLATE_COMPONENT_NOT_BUILT',
    `isolate-deps: no up-to-date component for ${target.name}@${target.version} (${reason}), and ISOLATE_DEPS_FROZEN forbids compiling at run time. Run \`npx isolate-deps build --policy ${policy}${extra}\` before starting the app.`,
  );
}
