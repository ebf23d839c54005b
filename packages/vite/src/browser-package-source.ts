import type { ModuleShape } from '@isolate-deps/boundary';
import type { Grant } from '@isolate-deps/policy';
import type { ExecutionPolicy } from '@isolate-deps/runtime';

export interface BrowserPackageModuleInput {
  name: string;
  version: string;
  grant: Grant;
  execution: ExecutionPolicy;
  policyFileName: string;
  /** Absolute paths: the bundler serves (dev) or emits (build) them. */
  guestBindings: string;
  browserRuntime: string;
  coreFiles: Record<string, string>;
  modules: ModuleShape[];
}

/**
 * The module that owns one isolated package in a page. The core wasm files are assets (`?url`); the
 * top-level await compiles and instantiates them asynchronously, so importers get a synchronous API.
 */
export function browserPackageModuleSource(input: BrowserPackageModuleInput): string {
  const manifest = { name: input.name, version: input.version, grant: input.grant, policyFile: input.policyFileName, execution: input.execution };
  const files = Object.entries(input.coreFiles);
  return [
    `import { instantiate } from ${JSON.stringify(input.guestBindings)};`,
    `import { loadIsolatedPackage } from ${JSON.stringify(input.browserRuntime)};`,
    ...files.map(([, file], i) => `import core${i} from ${JSON.stringify(`${file}?url`)};`),
    `export const roots = await loadIsolatedPackage({`,
    `  ...${JSON.stringify(manifest)},`,
    `  instantiate,`,
    `  coreUrls: { ${files.map(([name], i) => `${JSON.stringify(name)}: core${i}`).join(', ')} },`,
    `}, ${JSON.stringify(input.modules.map((m) => m.root))});`,
  ].join('\n');
}
