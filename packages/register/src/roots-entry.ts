// The entry generated package modules import (dist/register-roots.js): the main thread's registry.
export { isolatedRoots } from './isolated-roots.ts';
