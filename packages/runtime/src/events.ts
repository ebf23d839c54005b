import { closeSync, openSync, writeSync } from 'node:fs';

/** One boundary crossing. */
export interface CallEvent {
  type: 'call';
  package: string;
  export: string;
  instance: number;
  durationUs: number;
  bytesIn: number;
  bytesOut: number;
  outcome: 'ok' | 'error' | 'trap' | 'timeout' | 'memory-limit' | 'circuit-open' | 'terminated';
  time: string;
}

/** A granted capability used (fs, env, net, clock, random, console). */
export interface CapabilityEvent {
  type: 'capability';
  package: string;
  capability: string;
  target: string;
  instance: number;
  time: string;
}

/** A refused attempt (also delivered to onViolation). */
export interface DenialEvent {
  type: 'denial';
  package: string;
  capability: string;
  target: string;
  time: string;
}

export interface InstanceEvent {
  type: 'instance';
  package: string;
  instance: number;
  action: 'create' | 'dispose';
  reason?: string;
  time: string;
}

export type IsolateEvent = CallEvent | CapabilityEvent | DenialEvent | InstanceEvent;
export type EventHandler = (event: IsolateEvent) => void;

const handlers = new Set<EventHandler>();
const traceFile = typeof process !== 'undefined' ? process.env.ISOLATE_DEPS_TRACE : undefined;
let traceLines: string[] = [];
let traceBytes = 0;
let traceFd: number | undefined;

/** Whether anyone listens: when false, the runtime builds no event objects at all (zero cost untraced). */
export let eventsEnabled = Boolean(traceFile);

/** Receives every event of every isolated package in this process. Returns an unsubscribe function. */
export function onEvent(handler: EventHandler): () => void {
  handlers.add(handler);
  eventsEnabled = true;
  return () => {
    handlers.delete(handler);
    eventsEnabled = handlers.size > 0 || Boolean(traceFile);
  };
}

export function emitEvent(event: IsolateEvent): void {
  for (const handler of handlers) {
    try {
      handler(event);
    } catch {
      // an observer must not break the observed call
    }
  }
  if (traceFile) {
    const line = `${JSON.stringify(event)}\n`;
    traceLines.push(line);
    traceBytes += line.length;
    if (traceBytes > 64 * 1024) flushTrace();
  }
}

/** Writes buffered trace lines (JSONL) to ISOLATE_DEPS_TRACE; also runs at process exit. */
export function flushTrace(): void {
  if (!traceFile || traceLines.length === 0) return;
  traceFd ??= openSync(traceFile, 'a');
  writeSync(traceFd, traceLines.join(''));
  traceLines = [];
  traceBytes = 0;
}

if (traceFile) {
  process.on('exit', () => {
    flushTrace();
    if (traceFd !== undefined) closeSync(traceFd);
  });
}
