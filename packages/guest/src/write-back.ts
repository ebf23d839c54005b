/**
 * The guest's side of write-back (see write-back.ts in @isolate-deps/boundary): it watches the arguments a
 * call copied in, and when the call changed them, its reply carries their new encoding for the caller to apply.
 */
import { ArgumentWatch, encode, frameWriteBack, mayChange, type Handles } from '@isolate-deps/boundary';

export interface WatchedArguments {
  list: unknown[];
  watch: ArgumentWatch;
}

/** Starts watching a call's arguments; nothing to watch (undefined) when they are all primitives. */
export function watchArguments(list: unknown[], text: string, plain: boolean): WatchedArguments | undefined {
  return mayChange(list) ? { list, watch: new ArgumentWatch(list, text, plain) } : undefined;
}

/** The reply, with the arguments' new encoding in front if the call changed them. */
export function withWriteBack(reply: string, watched: WatchedArguments | undefined, handles: Handles): string {
  if (watched === undefined || !watched.watch.changed()) return reply;
  let writeBack: string;
  try {
    writeBack = encode(watched.list, handles);
  } catch {
    // What cannot be encoded cannot be written back; the reply itself still goes.
    return reply;
  }
  return frameWriteBack(reply, writeBack);
}
