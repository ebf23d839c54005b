// The host side of guest timers (see scheduler.ts); merged with host.d.ts's declaration of the module.
declare module 'isolate:guest/boundary' {
  /** When the guest's next timer is due (undefined: none pending), and whether a ref'd one keeps the host alive. */
  export function setTimer(delayMs: number | undefined, keepAlive: boolean): void;
}
