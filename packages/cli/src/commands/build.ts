import path from 'node:path';
import { buildComponents } from '@isolate-deps/register/build';
import { DEFAULT_POLICY_FILE } from '@isolate-deps/policy';
import { styles } from '../terminal.ts';
import type { Command } from './command.ts';
import { rootOf } from './policy-option.ts';

/** `isolate-deps build`: compiles every isolated package of the policy into the component cache ahead of time. */
export const buildCommand: Command = {
  name: 'build',
  summary: 'compile every isolated package into the component cache (for CI or an image layer)',
  help: `Usage: isolate-deps build [--policy file] [--cache-dir dir] [--package name] [--specifiers a,b]

Compiles each package the policy isolates into its component, in the cache that isolate-deps/register
(node --import isolate-deps/register app.js) and the bundler plugins read. Run it in CI or in a Docker
layer; then start the app with ISOLATE_DEPS_FROZEN=1 so that production never compiles.

Options:
  --root DIR          project folder (default: the current folder)
  --policy FILE       the policy (default: ${DEFAULT_POLICY_FILE} in the project folder)
  --cache-dir DIR     the component cache (default: ISOLATE_DEPS_CACHE_DIR, else ~/.cache/isolate-deps or $XDG_CACHE_HOME/isolate-deps)
  --package NAME      only this package
  --specifiers LIST   comma-separated specifiers the components must serve (yaml,yaml/util); default: what each
                      served before, else its main entry
  --quiet             no progress lines
  -h, --help          show this help
`,
  options: { root: { type: 'string' }, policy: { type: 'string' }, 'cache-dir': { type: 'string' }, package: { type: 'string' }, specifiers: { type: 'string' }, quiet: { type: 'boolean' } },
  async run(values, _positionals, out) {
    const root = rootOf(values);
    const policy = typeof values.policy === 'string' ? path.resolve(values.policy) : path.join(root, DEFAULT_POLICY_FILE);
    const { dim, green } = styles(out.color);
    const started = performance.now();
    const { compiled, cacheDir } = await buildComponents(
      {
        policy,
        cacheDir: typeof values['cache-dir'] === 'string' ? path.resolve(values['cache-dir']) : undefined,
        packages: typeof values.package === 'string' ? [values.package] : undefined,
        specifiers: typeof values.specifiers === 'string' ? values.specifiers.split(',').filter(Boolean) : undefined,
        onProgress: ({ package: name, index, total, done }) => {
          if (values.quiet) return;
          if (!done) out.error(`[${index + 1}/${total}] ${name} ${dim('compiling…')}\n`);
          else out.error(`[${index + 1}/${total}] ${name}@${done.version} ${green(done.cacheHit ? 'up to date' : `built in ${(done.timings.componentizeMs / 1000).toFixed(1)} s`)} ${dim(done.key.slice(0, 12))}\n`);
        },
      },
      root,
    );
    if (!values.quiet) out.write(`isolate-deps: ${compiled.length} component(s) ready in ${cacheDir} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    return 0;
  },
};
