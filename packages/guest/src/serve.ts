/**
 * The guest side of the boundary: the component's two exports.
 * - describe(): the export shape of each root module, read once at build time.
 * - call(target, args): calls the function at `target` ("<root>:<path.to.fn>") with decoded args.
 * Every exception is caught and returned as data: one that escaped would trap the instance for good.
 */
import { decode, encode, type ExportShape } from '@isolate-deps/boundary';
import './environment.ts';

export interface Root {
  specifier: string;
  /** Evaluates the package lazily: its top-level code must see the runtime host, not the build. */
  load: () => unknown;
}

const MAX_DEPTH = 4;

export function createServer(roots: Root[]): { call: (target: string, args: string) => string; describe: () => string } {
  const loaded = new Map<number, unknown>();
  const rootValue = (index: number): unknown => {
    if (!loaded.has(index)) {
      const root = roots[index];
      if (!root) throw new Error(`isolate-deps: no root ${index}`);
      loaded.set(index, root.load());
    }
    return loaded.get(index);
  };

  function call(target: string, args: string): string {
    try {
      const colon = target.indexOf(':');
      const path = target.slice(colon + 1);
      let self: unknown = undefined;
      let fn: unknown = rootValue(Number(target.slice(0, colon)));
      for (const key of path === '' ? [] : path.split('.')) {
        self = fn;
        fn = (fn as Record<string, unknown>)[key];
      }
      if (typeof fn !== 'function') throw new TypeError(`${path || 'the module'} is not a function`);
      const result = Reflect.apply(fn, self, decode(args) as unknown[]);
      return `0${encode(result)}`;
    } catch (error) {
      return `1${encodeThrown(error)}`;
    }
  }

  function describe(): string {
    try {
      const shapes: ExportShape[] = roots.map((_root, index) => shapeOf(rootValue(index), 0, new Set()));
      return `0${JSON.stringify(shapes)}`;
    } catch (error) {
      return `1${encodeThrown(error)}`;
    }
  }

  return { call, describe };
}

function encodeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return encode(error);
    return encode(Object.assign(new Error(`non-Error thrown: ${String(error)}`), { thrown: error }));
  } catch {
    return encode(new Error('isolate-deps: the guest threw a value that could not be sent'));
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function shapeOf(value: unknown, depth: number, seen: Set<unknown>): ExportShape {
  if (typeof value === 'function' || (typeof value === 'object' && value !== null && isPlainObject(value) && !Array.isArray(value))) {
    const props: Record<string, ExportShape> = {};
    if (depth < MAX_DEPTH && !seen.has(value)) {
      seen.add(value);
      const keys = Object.keys(value);
      // TypeScript-compiled CommonJS marks itself with a non-enumerable __esModule; interop depends on it.
      if (depth === 0 && Object.hasOwn(value, '__esModule') && !keys.includes('__esModule')) keys.push('__esModule');
      for (const key of keys) {
        let prop: unknown;
        try {
          prop = (value as Record<string, unknown>)[key];
        } catch {
          continue;
        }
        props[key] = shapeOf(prop, depth + 1, seen);
      }
    }
    return { kind: typeof value === 'function' ? 'function' : 'object', props };
  }
  try {
    return { kind: 'value', value: encode(value) };
  } catch {
    return { kind: 'value', value: encode(undefined) };
  }
}
