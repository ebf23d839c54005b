// Guest libraries that ship no types: each is a port of the Node module, so Node's types describe it.
declare module 'string_decoder/' {
  const decoder: typeof import('node:string_decoder');
  export default decoder;
}
declare module 'querystring-es3' {
  const querystring: typeof import('node:querystring');
  export default querystring;
}
declare module 'readable-stream/lib/ours/browser.js' {
  const stream: typeof import('node:stream') & { promises: typeof import('node:stream/promises') };
  export default stream;
}
declare module 'readable-stream/lib/stream.js' {
  const stream: typeof import('node:stream') & { promises: typeof import('node:stream/promises') };
  export default stream;
}
declare module 'pako' {
  interface Engine {
    push(data: Uint8Array, finish: boolean): boolean;
    onData(chunk: Uint8Array): void;
    err: number;
    msg: string;
  }
  export const Deflate: new (options: Record<string, unknown>) => Engine;
  export const Inflate: new (options: Record<string, unknown>) => Engine;
}
