/**
 * V8's stack trace API on SpiderMonkey: `Error.captureStackTrace(target, fn)`, `Error.prepareStackTrace(error, callSites)`
 * and `Error.stackTraceLimit`. Packages such as depd (used by express) read their caller's file and line through
 * CallSite objects; here they are parsed from SpiderMonkey's "name@file:line:column" frames.
 */

interface Frame {
  functionName: string;
  fileName: string;
  line: number;
  column: number;
}

const FRAME = /^(.*?)@(.*?):(\d+):(\d+)$/;

function parseFrames(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (match) frames.push({ functionName: match[1]!.replace(/[/<]+$/, '').split('/').pop() ?? '', fileName: match[2]!, line: Number(match[3]), column: Number(match[4]) });
  }
  return frames;
}

/** The object V8 hands to Error.prepareStackTrace for each frame. */
class CallSite {
  constructor(private readonly frame: Frame) {}
  getThis(): undefined { return undefined; }
  getTypeName(): string | null { return null; }
  getFunction(): undefined { return undefined; }
  getFunctionName(): string | null { return this.frame.functionName || null; }
  getMethodName(): string | null { return this.frame.functionName || null; }
  getFileName(): string | undefined { return this.frame.fileName || undefined; }
  getScriptNameOrSourceURL(): string | undefined { return this.getFileName(); }
  getLineNumber(): number { return this.frame.line; }
  getColumnNumber(): number { return this.frame.column; }
  getEvalOrigin(): string | undefined { return undefined; }
  getEnclosingLineNumber(): number { return this.frame.line; }
  getEnclosingColumnNumber(): number { return this.frame.column; }
  getPosition(): number { return 0; }
  getPromiseIndex(): null { return null; }
  getScriptHash(): string { return ''; }
  isToplevel(): boolean { return this.frame.functionName === ''; }
  isEval(): boolean { return false; }
  isNative(): boolean { return false; }
  isConstructor(): boolean { return false; }
  isAsync(): boolean { return false; }
  isPromiseAll(): boolean { return false; }
  toString(): string {
    const location = `${this.frame.fileName || '<anonymous>'}:${this.frame.line}:${this.frame.column}`;
    return this.frame.functionName ? `${this.frame.functionName} (${location})` : location;
  }
}

type ErrorWithV8 = ErrorConstructor & {
  captureStackTrace?: (target: object, constructorOpt?: (...args: never[]) => unknown) => void;
  prepareStackTrace?: (error: object, callSites: CallSite[]) => unknown;
  stackTraceLimit?: number;
};

const ErrorV8 = Error as ErrorWithV8;
if (typeof ErrorV8.stackTraceLimit !== 'number') ErrorV8.stackTraceLimit = 10;

function captureStackTrace(target: object, constructorOpt?: (...args: never[]) => unknown): void {
  let frames = parseFrames(new Error().stack ?? '').slice(1);
  // V8 drops every frame above (and including) constructorOpt's; a name match is the best SpiderMonkey allows.
  if (typeof constructorOpt === 'function' && constructorOpt.name) {
    const index = frames.findIndex((frame) => frame.functionName === constructorOpt.name);
    if (index >= 0) frames = frames.slice(index + 1);
  }
  const limit = Math.max(0, Number(ErrorV8.stackTraceLimit) || 0);
  const sites = frames.slice(0, limit).map((frame) => new CallSite(frame));
  const prepare = ErrorV8.prepareStackTrace;
  let stack: unknown;
  if (typeof prepare === 'function') stack = prepare(target, sites);
  else {
    const error = target as { name?: unknown; message?: unknown };
    const header = target instanceof Error ? `${String(error.name)}${error.message ? `: ${String(error.message)}` : ''}` : 'Error';
    stack = [header, ...sites.map((site) => `    at ${site.toString()}`)].join('\n');
  }
  Object.defineProperty(target, 'stack', { value: stack, writable: true, configurable: true, enumerable: false });
}

Object.defineProperty(Error, 'captureStackTrace', { value: captureStackTrace, writable: true, configurable: true, enumerable: false });
