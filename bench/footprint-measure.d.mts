// Types of footprint-measure.mjs, for the packed-tarball test.
export interface InstalledPackage {
  name: string;
  version: string;
  dir: string;
  bytes: number;
}
export function packageBytes(dir: string): number;
export function installedClosure(projectDir: string, name: string): InstalledPackage[];
export const MB: number;
