/**
 * The globals a Node package expects, installed once when the guest module initialises.
 * Nothing here calls the host at initialisation (that runs at build time, inside Wizer):
 * every host call is deferred to the moment the package asks.
 */
import { Buffer } from 'buffer';
import { now, monotonic } from 'isolate:guest/clock';
import { fill } from 'isolate:guest/random';
import { installConsole } from './console.ts';
import { installMessageChannel } from './message-channel.ts';
import { isolatedFetch } from './fetch.ts';
import { process } from './node/process.ts';
import { installTimers } from './scheduler.ts';

installClock();
installRandom();
installConsole();
installTimers();
installMessageChannel();

const globals = globalThis as unknown as Record<string, unknown>;
globals.process = process;
globals.Buffer = Buffer;
globals.global = globalThis;
globals.fetch = isolatedFetch;

function installClock(): void {
  const RealDate = Date;
  // Without the host clock the engine would report the moment the component was built.
  function IsolatedDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now()).toString();
    return args.length === 0 ? new RealDate(now()) : Reflect.construct(RealDate, args, new.target);
  }
  Object.setPrototypeOf(IsolatedDate, RealDate);
  IsolatedDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: IsolatedDate, writable: true, configurable: true });
  Object.defineProperty(IsolatedDate, 'now', { value: () => now(), writable: true, configurable: true });
  globalThis.Date = IsolatedDate as unknown as DateConstructor;
  // The origin is taken at first use: the host clock cannot be called while the component is being built.
  let origin: bigint | undefined;
  const performanceNow = () => Number(monotonic() - (origin ??= monotonic())) / 1e6;
  Object.defineProperty(globalThis.performance, 'now', { value: performanceNow, writable: true, configurable: true });
  // The engine's own timeOrigin reads a WASI clock the component does not import (it traps): the host's wall clock at the origin instead.
  Object.defineProperty(globalThis.performance, 'timeOrigin', { get: () => now() - performanceNow(), configurable: true });
}

function installRandom(): void {
  // The engine's own generator is seeded at build time and would repeat in every instance.
  Math.random = () => {
    const bytes = fill(8);
    // 53 random bits → [0, 1)
    const high = ((bytes[0]! << 13) | (bytes[1]! << 5) | (bytes[2]! >> 3)) >>> 0;
    const low = ((bytes[3]! << 24) | (bytes[4]! << 16) | (bytes[5]! << 8) | bytes[6]!) >>> 0;
    return (high * 2 ** 32 + low) / 2 ** 53;
  };
  const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
    if (array === null) return array;
    const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    view.set(fill(view.length));
    return array;
  };
  const randomUUID = (): string => {
    const b = fill(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const crypto = globalThis.crypto as unknown as Record<string, unknown>;
  Object.defineProperty(crypto, 'getRandomValues', { value: getRandomValues, writable: true, configurable: true });
  Object.defineProperty(crypto, 'randomUUID', { value: randomUUID, writable: true, configurable: true });
}
