// Stands in for isolate:guest/fs when the policy grants no file access.
import { denial } from '../denial.ts';

export function readFile(path: string): Uint8Array {
  throw denial('fs.read', path);
}
export function stat(path: string): string {
  throw denial('fs.read', path);
}
export function readdir(path: string): string[] {
  throw denial('fs.read', path);
}
export function writeFile(path: string): void {
  throw denial('fs.write', path);
}
export function mkdir(path: string): void {
  throw denial('fs.write', path);
}
export function rm(path: string): void {
  throw denial('fs.write', path);
}
