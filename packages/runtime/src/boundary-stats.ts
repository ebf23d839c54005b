import { Op } from '@isolate-deps/boundary';
import { facadeOwner } from './boundary-session.ts';

export interface BoundaryStats {
  /** Guest values the host holds handles to (released when their host proxies are garbage collected). */
  handles: number;
  /** Host callbacks the guest holds. */
  callbacks: number;
  /** Milliseconds until the guest's next timer is due; null when it has none. */
  nextTimerMs: number | null;
}

/** Live handle counts of the isolated package behind `member` (any function or object of its facade): for leak checks. */
export function boundaryStats(member: object): BoundaryStats {
  const owner = facadeOwner(member);
  if (!owner) throw new TypeError('isolate-deps: boundaryStats needs a function or object imported from an isolated package');
  return owner.callIn(undefined, Op.stats, []) as BoundaryStats;
}
