import { applyWriteBack, BoundaryLimitError, decode, DEFAULT_MAX_DECODE_LENGTH, encodeMarked, splitWriteBack, STRING_REPLY, type Handles } from '@isolate-deps/boundary';
import { DetachedHandles, IsolateHandleExpiredError, isStandIn, sessionOf, type BoundarySession, type SessionOwner } from './boundary-session.ts';

/**
 * One call across the boundary: encodes the host's arguments for the instance that runs it (callbacks and
 * handles are per instance), and decodes the reply with the same instance's handles. Failures on the host
 * side before the call (an argument that cannot be sent, a handle of another instance) are kept aside and
 * rethrown as they are, without counting against the instance.
 */
export class BoundaryExchange {
  private handles: Handles | undefined;
  private session: BoundarySession | undefined;
  private hostFailure: { error: unknown } | undefined;

  constructor(
    private readonly owner: SessionOwner,
    private readonly pinned: BoundarySession | undefined,
    /** Longest reply decoded, in UTF-16 code units; a longer one fails with ERR_ISOLATE_REPLY_TOO_LARGE. */
    private readonly maxReply = DEFAULT_MAX_DECODE_LENGTH,
  ) {}

  /** Size of the encoded arguments of the last run, for the call event. */
  bytesIn = 0;
  private args: unknown[] = [];
  private writeBack: string | undefined;

  /** Keeps a write-back aside (see @isolate-deps/boundary write-back.ts); a bad frame fails the call, not the instance. */
  private takeWriteBack(framed: string): string {
    try {
      const { reply, writeBack } = splitWriteBack(framed);
      if (writeBack !== undefined && writeBack.length > this.maxReply) throw new BoundaryLimitError(writeBack.length, this.maxReply, `"${this.owner.packageName}"`);
      this.writeBack = writeBack;
      return reply;
    } catch (error) {
      this.hostFailure = { error };
      return '1';
    }
  }

  run(guest: { call(target: string, args: string): string }, target: string, args: unknown[]): string {
    const session = sessionOf(guest);
    let encoded: string;
    try {
      if (this.pinned && this.pinned !== session) throw new IsolateHandleExpiredError(this.owner.packageName, 'the instance was replaced');
      session?.bind(this.owner);
      this.session = session;
      this.handles = session ?? new DetachedHandles(this.owner.packageName);
      encoded = encodeMarked(args, this.handles);
    } catch (error) {
      this.hostFailure = { error };
      return '1';
    }
    this.bytesIn = encoded.length;
    this.args = args;
    // Anything thrown from here on is the instance failing (a trap): the caller discards it.
    return this.takeWriteBack(guest.call(target, encoded));
  }

  settle(reply: string): unknown {
    if (this.hostFailure) throw this.hostFailure.error;
    let value: unknown;
    const status = reply[0];
    try {
      const decodeOptions = { maxLength: this.maxReply, from: `"${this.owner.packageName}"` };
      // The package changed the plain arguments it was passed: the caller's objects change too, as in Node.
      if (this.writeBack !== undefined) applyWriteBack(this.args, decode(this.writeBack, this.handles, decodeOptions), isStandIn);
      if (status === STRING_REPLY) {
        // A string as it is: the same size limit as for one to decode.
        if (reply.length - 1 > this.maxReply) throw new BoundaryLimitError(reply.length - 1, this.maxReply, decodeOptions.from);
        value = reply.slice(1);
      } else value = reply.length > 1 ? decode(reply.slice(1), this.handles, decodeOptions) : undefined;
    } finally {
      this.session?.callEnded();
    }
    if (status === '0' || status === STRING_REPLY) return value;
    throw this.owner.hostError(value);
  }
}
