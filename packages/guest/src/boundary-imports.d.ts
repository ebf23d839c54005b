// The host functions behind handles (the `boundary` interface is in every component's world).
// Declared here, beside the code that uses them; merged with host.d.ts's declaration of the module.
declare module 'isolate:guest/boundary' {
  /** Calls host callback `id` with encoded [this, ...args]; "0<encoded result>" or "1<encoded error>". */
  export function invokeCallback(id: number, args: string): string;
  /** Settles the host promise that stands for guest promise `id`: "0<value>" or "1<error>". */
  export function settle(id: number, outcome: string): void;
  /** The guest no longer holds these host callbacks: pairs of (id, times received). */
  export function releaseCallbacks(pairs: Uint32Array): void;
}
