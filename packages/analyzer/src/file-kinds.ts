import { statSync, type Stats } from 'node:fs';

// Any failure (missing, a file where a folder was expected, no permission) means "not there".
function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** A file (symlinks followed). */
export function isFile(file: string): boolean {
  return statOf(file)?.isFile() ?? false;
}

/** A folder (symlinks followed). */
export function isDirectory(dir: string): boolean {
  return statOf(dir)?.isDirectory() ?? false;
}
