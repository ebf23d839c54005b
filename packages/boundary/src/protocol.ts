/**
 * The operations the host asks of the guest through the component's one `call(target, args)` export.
 * A target is an operation letter followed by a reference:
 * - "<root>:<path>" a member of a root module, e.g. "0:parse" or "1:" (the module itself);
 * - "#<id>" a guest value the host holds a handle to.
 * Arguments are one encoded array whose layout depends on the operation.
 */
export const Op = {
  /** Handle: [thisArg, ...args] → result. Root path: [...args], called with its parent object as `this`. */
  apply: 'c',
  /** Root path: [thisArg, ...args], a module function called with another `this` (`fn.call(obj)`, `fn.bind(obj)`). */
  applyWith: 'w',
  /** args → new instance. */
  construct: 'n',
  /** [key] → value. */
  get: 'g',
  /** [key, value] → true. */
  set: 's',
  /** [key] → boolean. */
  has: 'h',
  /** [key] → boolean. */
  deleteProperty: 'x',
  /** [] → own string keys. */
  ownKeys: 'k',
  /** [key] → undefined or { enumerable, value }. */
  describeProperty: 'd',
  /** [value] → value instanceof reference. */
  instanceOf: 'i',
  /** [id, count, id, count, ...] → undefined: the host dropped handles it had been sent `count` times. */
  release: 'r',
  /** [] → { handles, callbacks, nextTimerMs }: live handle counts (for tests and leak checks), and when the guest's next timer is due (null: none). */
  stats: 'z',
  /** [] → undefined: runs the guest's next due timer or immediate callback (the host's timer for the instance fired). */
  timers: 't',
  /** Answers "0" at once: the cost of crossing the boundary and nothing else (for the benchmark). */
  ping: 'p',
} as const;

/**
 * Arguments the host sends are plain JSON when they hold nothing JSON cannot say (the common case), so the
 * guest, whose JavaScript is interpreted, only runs JSON.parse; otherwise the encoding follows this mark.
 */
export const TAGGED_MARK = '~';

/**
 * A reply to `call` starts with its status: "0" and the encoded value, "1" and the encoded error, or this mark and
 * a string value as it is. The guest sends a string result so when UTF-8 carries it unchanged (no lone surrogate):
 * the engine's own bindings copy a reply out one interpreted step per character, so JSON's quotes and escapes
 * cost time there, and the host then needs no JSON.parse.
 */
export const STRING_REPLY = 's';

export type OpCode = (typeof Op)[keyof typeof Op];

/** The kind of guest value behind a handle, so the host can build the right stand-in. */
export type HandleKind = 'function' | 'class' | 'object' | 'promise';

/** Reference text for a handle id. */
export const handleRef = (id: number): string => `#${id}`;
