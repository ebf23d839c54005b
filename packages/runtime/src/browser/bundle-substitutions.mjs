// esbuild plugin for the browser runtime bundle (packages/isolate-deps/build.mjs): the Node host bindings
// become the browser ones, and Node built-ins, reachable only from Node-only paths (worker-thread time
// limits, the trace file), become a stand-in that throws if one is ever called.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const browserHostBindings = fileURLToPath(new URL('./host-bindings.ts', import.meta.url));
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export const browserSubstitutions = {
  name: 'isolate-deps-browser-substitutions',
  setup(build) {
    build.onResolve({ filter: /[\\/]host-bindings\.ts$/ }, (args) => (args.importer.includes(`${'/'}browser${'/'}`) ? undefined : { path: browserHostBindings }));
    build.onResolve({ filter: /^[a-z0-9_:/]+$/ }, (args) => (builtins.has(args.path) ? { path: args.path, namespace: 'node-unavailable' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'node-unavailable' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => key === '__esModule' ? false : () => { throw new Error(${JSON.stringify(`isolate-deps: ${args.path} is not available in the browser`)}); } });`,
      loader: 'js',
    }));
  },
};
