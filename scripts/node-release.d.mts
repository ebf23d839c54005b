/** The path of Node `version`'s binary, fetched into `cacheDir` on first use (Linux x64). */
export function ensureNodeRelease(version: string, cacheDir: string): string;
