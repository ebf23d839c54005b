// The module.register entry (dist/register-hooks.js), loaded on Node's hooks thread.
export { initialize, load, resolve } from './esm-hooks.ts';
