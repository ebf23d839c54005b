import type { Grant } from '@isolate-deps/policy';

/** The host interfaces, by name, with their WIT. A component imports only those its grant allows. */
const INTERFACES = {
  boundary: `interface boundary {
    report-denial: func(capability: string, target: string);
    invoke-callback: func(id: u32, args: string) -> string;
    settle: func(id: u32, outcome: string);
    release-callbacks: func(pairs: list<u32>);
    set-timer: func(delay-ms: option<u32>, keep-alive: bool);
  }`,
  console: `interface console {
    write: func(level: string, text: string);
  }`,
  clock: `interface clock {
    now: func() -> f64;
    monotonic: func() -> u64;
  }`,
  random: `interface random {
    fill: func(length: u32) -> list<u8>;
  }`,
  env: `interface env {
    get: func(name: string) -> option<string>;
    names: func() -> list<string>;
  }`,
  fs: `interface fs {
    read-file: func(path: string) -> result<list<u8>, string>;
    write-file: func(path: string, data: list<u8>, append: bool) -> result<_, string>;
    stat: func(path: string) -> result<string, string>;
    readdir: func(path: string) -> result<list<string>, string>;
    mkdir: func(path: string, recursive: bool) -> result<_, string>;
    rm: func(path: string, recursive: bool) -> result<_, string>;
  }`,
  net: `interface net {
    request: func(request: string) -> result<string, string>;
  }`,
  // Capability-free: the host's Intl over primitive values (runtime/src/intl-provider.ts), so never a grant.
  intl: `interface intl {
    call: func(request: string) -> string;
  }`,
} as const;

export type HostInterface = keyof typeof INTERFACES;
export const HOST_INTERFACES = Object.keys(INTERFACES) as HostInterface[];

/** The functions of a host interface as its guest module exports them: WIT `report-denial` is `reportDenial`. */
export function interfaceFunctions(name: HostInterface): { wit: string; js: string }[] {
  return [...INTERFACES[name].matchAll(/([a-z][a-z-]*): func/g)].map(([, wit]) => ({ wit: wit!, js: wit!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) }));
}

/** The host interfaces a grant lets the component import. `boundary` (denial reports) and `intl` are always there. */
export function grantedInterfaces(grant: Grant): HostInterface[] {
  const granted: HostInterface[] = ['boundary', 'intl'];
  if (grant.console) granted.push('console');
  if (grant.clock) granted.push('clock');
  if (grant.random) granted.push('random');
  if (grant.env.length > 0) granted.push('env');
  if (grant.fs.read.length > 0 || grant.fs.write.length > 0) granted.push('fs');
  if (grant.net.length > 0) granted.push('net');
  return granted;
}

/** The WIT package for one isolated package: a denied capability has no import in it at all. */
export function worldFor(grant: Grant): string {
  const granted = grantedInterfaces(grant);
  return [
    'package isolate:guest;',
    '',
    ...granted.map((name) => `${INTERFACES[name]}\n`),
    'world isolated-package {',
    ...granted.map((name) => `  import ${name};`),
    '  export call: func(target: string, args: string) -> string;',
    '  export describe: func() -> string;',
    '}',
    '',
  ].join('\n');
}
