import { manifestJson, violationHandlerSource, type IsolatedPackageInput } from '@isolate-deps/plugin-core/facade-source';

export interface BrowserPackageModuleInput extends IsolatedPackageInput {
  /** Absolute paths: the bundler serves (dev) or emits (build) them. */
  browserRuntime: string;
  coreFiles: Record<string, string>;
  /** Absolute path of the module whose default export receives this package's violations (plugin option onViolation). */
  violationHandler?: string | undefined;
}

/**
 * The module that owns one isolated package in a page. The core wasm files are assets (`?url`); the
 * top-level await compiles and instantiates them asynchronously, so importers get a synchronous API.
 */
export function browserPackageModuleSource(input: BrowserPackageModuleInput): string {
  const files = Object.entries(input.coreFiles);
  return [
    `import { instantiate } from ${JSON.stringify(input.guestBindings)};`,
    `import { loadIsolatedPackage } from ${JSON.stringify(input.browserRuntime)};`,
    ...violationHandlerSource(input.violationHandler, input.browserRuntime, input.name),
    ...files.map(([, file], i) => `import core${i} from ${JSON.stringify(`${file}?url`)};`),
    `export const roots = await loadIsolatedPackage({`,
    `  ...${manifestJson(input)},`,
    `  instantiate,`,
    `  coreUrls: { ${files.map(([name], i) => `${JSON.stringify(name)}: core${i}`).join(', ')} },`,
    `}, ${JSON.stringify(input.modules.map((m) => m.root))});`,
  ].join('\n');
}
