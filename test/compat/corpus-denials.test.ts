import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, runAppAsync, type RunResult } from '../support/app.ts';
import { setUpOrFail } from '../support/setup.ts';
import { CORPUS_FILES, UNGRANTED } from './corpus.ts';
import { startCorpusServer } from './corpus-server.ts';

/**
 * The corpus packages whose real call needs a grant (axios and node-fetch: net; dotenv's config() and fast-glob:
 * fs.read), isolated without it: the call fails with a capability error that names the package, the target and
 * the missing grant, the app goes on, and what needs no grant still works.
 */

const APP = `import axios from 'axios'; import fetch from 'node-fetch'; import dotenv from 'dotenv'; import fg from 'fast-glob';
const origin = process.env.CORPUS_ORIGIN;
const refusal = (e) => ({ name: e.name, code: e.code, message: e.message });
const out = {};
out.axios = await axios.get(origin + '/json').then((r) => r.status, refusal);
out.fetch = await fetch(origin + '/json').then((r) => r.status, refusal);
const loaded = dotenv.config({ path: 'fixtures/app.env', processEnv: {}, quiet: true });
out.dotenv = { parsed: loaded.parsed, error: refusal(loaded.error), parse: dotenv.parse('A=1') };
try { out.globSync = fg.sync('**/*.js', { cwd: 'fixtures' }); } catch (e) { out.globSync = refusal(e); }
out.glob = await fg('**/*.md', { cwd: 'fixtures' }).then((r) => r, refusal);
out.pattern = fg.isDynamicPattern('src/*.js');
console.log(JSON.stringify(out));
`;

let close: (() => Promise<void>) | undefined;
afterAll(async () => close?.());

describe('corpus packages without the grant their real call needs', () => {
  let run: RunResult;
  let port: string;
  setUpOrFail(async () => {
    const policy = { packages: Object.fromEntries(UNGRANTED.map((name) => [name, { isolate: true }])) };
    const app = await buildApp('compat-corpus-ungranted', { policy, source: APP, files: CORPUS_FILES });
    const server = await startCorpusServer();
    close = server.close;
    port = new URL(server.origin).port;
    run = await runAppAsync(app, { CORPUS_ORIGIN: server.origin }, [], { timeoutMs: 300_000 });
  });

  const denied = (pkg: string, what: string) => ({ name: 'CapabilityDeniedError', code: 'ERR_CAPABILITY_DENIED', message: expect.stringContaining(`isolate-deps: "${pkg}" may not ${what}`) });

  it('refuses the request of axios and node-fetch, naming the host and the net grant', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.result.axios).toEqual(denied('axios', `connect to "127.0.0.1:${port}" (net not granted`));
    // node-fetch wraps it in its own FetchError, whose message adds the URL and whose code is the cause's.
    expect(run.result.fetch).toEqual(expect.objectContaining({ code: 'ERR_CAPABILITY_DENIED', message: expect.stringContaining(`isolate-deps: "node-fetch" may not connect to "127.0.0.1:${port}" (net not granted`) }));
  });

  it("refuses dotenv's config() and fast-glob's walk, naming the path and fs.read, and keeps what needs no file", () => {
    // As for a missing file: nothing parsed, the error returned (dotenv does not throw).
    expect(run.result.dotenv).toEqual({ parsed: {}, error: denied('dotenv', 'read "fixtures/app.env" (fs.read not granted'), parse: { A: '1' } });
    expect(run.result.globSync).toEqual(denied('fast-glob', 'read "/project/fixtures" (fs.read not granted'));
    expect(run.result.glob).toEqual(denied('fast-glob', 'read "/project/fixtures" (fs.read not granted'));
    expect(run.result.pattern).toBe(true);
  });

  it('reports each refusal once on stderr', () => {
    for (const line of [`denied net "127.0.0.1:${port}" to "axios"`, `denied net "127.0.0.1:${port}" to "node-fetch"`, 'denied fs.read "fixtures/app.env" to "dotenv"', 'denied fs.read "/project/fixtures" to "fast-glob"']) {
      expect(run.stderr.split(line).length - 1, line).toBe(1);
    }
  });
});
