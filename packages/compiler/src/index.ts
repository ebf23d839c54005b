export { ComponentCache, type CacheEntry } from './component-cache.ts';
export { defaultCacheDir } from './cache-location.ts';
export { compilePackage, componentTools, type CompileOptions, type CompiledPackage } from './compile-package.ts';
export { locatePackage, type InstalledPackage } from './locate-package.ts';
export { bundleGuest, type GuestBundle } from './guest-bundle.ts';
export { GuestImportError } from './guest-confinement.ts';
export { grantedInterfaces, worldFor, type HostInterface } from './world.ts';
