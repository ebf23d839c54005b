// Stands in for isolate:guest/clock when "clock": false: time stands still at the epoch.
export function now(): number {
  return 0;
}
export function monotonic(): bigint {
  return 0n;
}
