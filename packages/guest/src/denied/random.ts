// Stands in for isolate:guest/random when "random": false. Never hand out predictable bytes.
import { denial } from '../denial.ts';

export function fill(length: number): Uint8Array {
  throw denial('random', `${length} random bytes`);
}
