import type { ModuleShape } from '@isolate-deps/boundary';
import type { Grant } from '@isolate-deps/policy';
import type { ExecutionPolicy } from '@isolate-deps/runtime';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['default', '__esModule']);

/** What generated code knows about one isolated package, whatever the bundler. */
export interface IsolatedPackageInput {
  name: string;
  version: string;
  grant: Grant;
  /** How instances of this package are run: limits, instance mode, failure handling. */
  execution: ExecutionPolicy;
  policyFileName: string;
  /** jco's bindings (guest.mjs) in the cache entry: generated code imports them. */
  guestBindings: string;
  modules: ModuleShape[];
}

/** The runtime manifest fields embedded as JSON in generated code. */
export function manifestJson(input: IsolatedPackageInput): string {
  return JSON.stringify({ name: input.name, version: input.version, grant: input.grant, policyFile: input.policyFileName, execution: input.execution });
}

export interface PackageModuleInput extends IsolatedPackageInput {
  runtime: string;
  /** Relative to the output folder, resolved at run time so the built app can move as a whole. */
  relativeRoot: string;
  relativeComponentDir: string;
  format: 'esm' | 'cjs';
  /** Absolute path of the module whose default export receives this package's violations (plugin option onViolation). */
  violationHandler?: string;
}

/** Lines that hand one package's violations to the plugin option's handler module (none without one). */
export function violationHandlerSource(handler: string | undefined, runtime: string, packageName: string): string[] {
  if (handler === undefined) return [];
  return [
    `import __isolateViolationHandler from ${JSON.stringify(handler)};`,
    `import { onViolation as __isolateOnViolation } from ${JSON.stringify(runtime)};`,
    `__isolateOnViolation((violation) => violation.package === ${JSON.stringify(packageName)} && __isolateViolationHandler(violation));`,
  ];
}

/** The module that owns one isolated package in the app: its manifest, and the host value of each root. */
export function packageModuleSource(input: PackageModuleInput): string {
  const base = input.format === 'esm' ? '__isolateDirname(__isolateFileURLToPath(import.meta.url))' : '__dirname';
  return [
    `import { instantiate } from ${JSON.stringify(input.guestBindings)};`,
    `import { defineIsolatedPackage } from ${JSON.stringify(input.runtime)};`,
    `import { dirname as __isolateDirname, resolve as __isolateResolve } from 'node:path';`,
    input.format === 'esm' ? `import { fileURLToPath as __isolateFileURLToPath } from 'node:url';` : '',
    `const base = ${base};`,
    ...violationHandlerSource(input.violationHandler, input.runtime, input.name),
    `export const roots = defineIsolatedPackage({`,
    `  ...${manifestJson(input)},`,
    `  root: __isolateResolve(base, ${JSON.stringify(input.relativeRoot)}),`,
    `  componentDir: __isolateResolve(base, ${JSON.stringify(input.relativeComponentDir)}),`,
    `  instantiate,`,
    `}, ${JSON.stringify(input.modules.map((m) => m.root))});`,
  ].join('\n');
}

/** The module the app gets for `import ... from '<specifier>'`: same names and shape as the original. */
export function facadeSource(packageModule: string, index: number, module: ModuleShape): string {
  if (module.format === 'cjs') {
    return `const { roots } = require(${JSON.stringify(packageModule)});\nmodule.exports = roots[${index}];\n`;
  }
  return esmFacadeSource(packageModule, index, module);
}

/**
 * The facade as an ES module whatever the package's format, for Node's own loader (isolate-deps/register),
 * which cannot mix `require` into an ES module: a CommonJS root becomes the default export with its
 * properties as named exports, as Node's import of CommonJS gives.
 */
export function esmFacadeSource(packageModule: string, index: number, module: ModuleShape): string {
  const names = !('props' in module.root) ? [] : Object.keys(module.root.props).filter((name) => !RESERVED.has(name));
  const lines = [`import { roots } from ${JSON.stringify(packageModule)};`, `const root = roots[${index}];`];
  names.forEach((name, i) => {
    lines.push(`const e${i} = root[${JSON.stringify(name)}];`);
    lines.push(IDENTIFIER.test(name) ? `export { e${i} as ${name} };` : `export { e${i} as ${JSON.stringify(name)} };`);
  });
  lines.push(module.format === 'cjs' ? `export default root;` : `export default root.default;`);
  return lines.join('\n');
}
