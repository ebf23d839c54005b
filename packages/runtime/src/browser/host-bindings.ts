import type { BindingContext } from '../host-bindings.ts';
import { createIntlProvider } from '../intl-provider.ts';
import { prefixedLines } from '../terminal-text.ts';
import { denialReporter } from '../violations.ts';
import { createBrowserNetProvider } from './net-provider.ts';

/**
 * The browser counterpart of ../host-bindings.ts (swapped in by the browser bundle): the same imports
 * object per grant, over what a page has. There is no file system and no process environment, so an
 * fs grant is refused call by call (the plugin warns at build time) and an env grant sees no variables.
 */
export function createHostImports(context: BindingContext): Record<string, Record<string, unknown>> {
  const { packageName, grant } = context;
  const { report, deny } = denialReporter(context);

  const imports: Record<string, Record<string, unknown>> = {
    'isolate:guest/boundary': { reportDenial: report },
    'isolate:guest/intl': createIntlProvider(),
  };
  if (grant.console) {
    imports['isolate:guest/console'] = {
      write(level: string, text: string) {
        const log = level === 'error' ? console.error : level === 'warn' ? console.warn : console.log;
        // As an argument, not the format string: a `%c` in the text cannot style (or hide) the line.
        log('%s', prefixedLines(`[${packageName}] `, String(text)));
      },
    };
  }
  if (grant.clock) imports['isolate:guest/clock'] = { now: () => Date.now(), monotonic: () => BigInt(Math.round(performance.now() * 1e6)) };
  if (grant.random) {
    imports['isolate:guest/random'] = {
      fill(length: number) {
        if (length > 65536) throw new RangeError('isolate-deps: at most 65536 random bytes per call');
        return crypto.getRandomValues(new Uint8Array(length));
      },
    };
  }
  if (grant.env.length > 0) imports['isolate:guest/env'] = { get: () => undefined, names: () => [] };
  if (grant.fs.read.length > 0 || grant.fs.write.length > 0) imports['isolate:guest/fs'] = noFileSystem(deny);
  if (grant.net.length > 0) imports['isolate:guest/net'] = createBrowserNetProvider(context.inert ? [] : grant.net, (target) => deny('net', target));
  return imports;
}

const NO_FS = 'a page has no file system';

function noFileSystem(deny: (capability: string, target: string, why?: string) => never): Record<string, unknown> {
  const read = (path: string) => deny('fs.read', path, NO_FS);
  const write = (path: string) => deny('fs.write', path, NO_FS);
  return { readFile: read, stat: read, readdir: read, writeFile: write, mkdir: write, rm: write };
}

