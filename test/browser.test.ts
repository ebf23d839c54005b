import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { setUpOrFail } from './support/setup.ts';
import { build, createServer, type InlineConfig, type Plugin, type ViteDevServer } from 'vite';
// vite 7 under an npm alias: the plugin's peer range is ^7 || ^8, and the same page must work built by either.
import { build as buildWithVite7, type InlineConfig as Vite7Config } from 'vite7';
import type { CompiledPackage } from 'isolate-deps';
import { CACHE_DIR, REPO } from './support/app.ts';
import { launchChromium, serveStatic } from './support/browser.ts';

// The published plugin (dist), as users get it (npm run typecheck reads its types from the sources).
import isolateDeps from 'isolate-deps/vite';

const APP = path.join(REPO, 'examples/vite-app');
const WORK = path.join(REPO, 'test/.work/vite-app');
const RESULTS = path.join(REPO, 'test-results');
const ATTACKER = '0xFc4a4858bafef54D1b1d7697bfb5c52F4c166976';
const PAY_TO = '0x52908400098527886E0F7030069857D2E4169EE7';
const COOKIE = `canary-cookie-${randomUUID()}`;
const STORAGE = `canary-storage-${randomUUID()}`;

function viteConfig(plugins: Plugin[], outDir: string): InlineConfig {
  return { root: APP, configFile: false, logLevel: 'warn', plugins, build: { outDir, emptyOutDir: true } };
}

interface PageEvidence {
  heading: string | undefined;
  emphasis: string | undefined;
  amount: string | undefined;
  address: string | undefined;
  quote: string | undefined;
  quoteElsewhere: string | undefined;
  violations: string[];
  inside: string;
  fetchIsPages: boolean;
  xhrIsPages: boolean;
  fetchedPayTo: string;
  xhrPayTo: string;
  cookie: string;
  storage: string;
  injected: boolean;
  attackerOnPage: boolean;
  requests: string[];
  errors: string[];
}

/** Opens the page with a canary cookie and localStorage entry, waits for it, and collects evidence from outside the sandbox. */
async function visit(browser: Browser, url: string, screenshot?: string): Promise<PageEvidence> {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'session', value: COOKIE, url }]);
  await context.addInitScript((storage: string) => {
    localStorage.setItem('wallet-session', storage);
    // The page's own objects, taken before any module runs.
    (window as any).__page = { fetch: window.fetch, open: XMLHttpRequest.prototype.open, send: XMLHttpRequest.prototype.send };
  }, STORAGE);
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`));
  page.on('pageerror', (error) => errors.push(String(error)));
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`.slice(0, 500)));
  try {
    // Not 'load': that waits for every component to download and compile; the page says when it is ready.
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 180_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\npage errors: ${JSON.stringify(errors)}\nconsole: ${JSON.stringify(consoleLines)}`);
    });
    const evidence = await page.evaluate(async (attacker: string) => {
      const own = (window as any).__page;
      const fetched = await (await fetch('/address.json')).json();
      const xhr = new XMLHttpRequest();
      xhr.open('GET', '/address.json', false);
      xhr.send();
      const text = (selector: string) => document.querySelector(selector)?.textContent ?? undefined;
      return {
        heading: text('#document h1'),
        emphasis: text('#document strong'),
        amount: text('#amount'),
        address: text('#address'),
        quote: text('#quote'),
        quoteElsewhere: (document.querySelector('#quote') as HTMLElement | null)?.dataset.elsewhere,
        violations: [...document.querySelectorAll('#violations li')].map((li) => li.textContent ?? ''),
        inside: text('#inside') ?? '',
        fetchIsPages: window.fetch === own.fetch && Function.prototype.toString.call(window.fetch).includes('[native code]'),
        xhrIsPages: XMLHttpRequest.prototype.open === own.open && XMLHttpRequest.prototype.send === own.send,
        fetchedPayTo: fetched.payTo,
        xhrPayTo: JSON.parse(xhr.responseText).payTo,
        cookie: document.cookie,
        storage: JSON.stringify({ ...localStorage }),
        injected: document.querySelector('#wallet-format-injected') !== null,
        attackerOnPage: document.documentElement.outerHTML.includes(attacker),
      };
    }, ATTACKER);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { ...evidence, requests, errors };
  } finally {
    await context.close();
  }
}

/** The page works and the hijacked package changed nothing the page owns. */
function expectRenderedAndUntouched(evidence: PageEvidence): void {
  expect(evidence.errors).toEqual([]);
  expect(evidence.heading).toBe('Invoice 42');
  expect(evidence.emphasis).toBe('isolated');
  expect(evidence.amount).toBe('Amount: 0.5 ETH');
  expect(evidence.address).toBe('0x5290…9EE7');
  // The page's fetch and XMLHttpRequest are its own, and return the real address.
  expect(evidence.fetchIsPages).toBe(true);
  expect(evidence.xhrIsPages).toBe(true);
  expect(evidence.fetchedPayTo).toBe(PAY_TO);
  expect(evidence.xhrPayTo).toBe(PAY_TO);
  // Cookie, storage and DOM are untouched; nothing left the page.
  expect(evidence.cookie).toBe(`session=${COOKIE}`);
  expect(evidence.storage).toBe(JSON.stringify({ 'wallet-session': STORAGE }));
  expect(evidence.injected).toBe(false);
  expect(evidence.attackerOnPage).toBe(false);
  expect(evidence.requests.filter((r) => r.includes('evil.example') || r.includes(COOKIE) || r.includes(STORAGE))).toEqual([]);
  // Inside its instance none of the page's objects exist, and the attempt to phone home is reported.
  expect(evidence.inside).toContain('hook window.fetch: no window here');
  expect(evidence.inside).toContain('hook XMLHttpRequest: no XMLHttpRequest here');
  expect(evidence.inside).toMatch(/read document\.cookie: failed \(.*document/);
  expect(evidence.inside).toMatch(/read localStorage: failed \(.*localStorage/);
  expect(evidence.inside).toMatch(/touch the DOM: failed \(.*document/);
  expect(evidence.violations).toContain('wallet-format: net collector.evil.example:443');
  // A granted host is reached through the page (synchronous XMLHttpRequest); another is refused before any request.
  expect(evidence.quote).toBe('ETH/EUR 3150.42');
  expect(evidence.quoteElsewhere).toBe('error ERR_CAPABILITY_DENIED');
  expect(evidence.violations).toContain('price-feed: net api.evil.example:443');
  expect(evidence.requests.filter((r) => r.includes('/quote.json'))).toHaveLength(1);
}

describe('vite plugin in a real browser (examples/vite-app)', () => {
  let browser: Browser;
  const compiled: CompiledPackage[] = [];
  // As in the example's vite.config.js: the page lists refusals through the plugin's onViolation module.
  const plugin = () => isolateDeps({ cacheDir: CACHE_DIR, onViolation: './src/show-violation.js', onCompiled: (c) => compiled.push(c) });

  setUpOrFail(async () => {
    mkdirSync(RESULTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('vite build: the page renders with isolated marked, yaml, price-feed and wallet-format, and the hijacked package changes nothing on the page', async () => {
    await build(viteConfig([plugin()], path.join(WORK, 'isolated')));
    expect(compiled.map((c) => c.name).sort()).toEqual(['marked', 'price-feed', 'wallet-format', 'yaml']);
    const site = await serveStatic(path.join(WORK, 'isolated'));
    try {
      expectRenderedAndUntouched(await visit(browser, site.url, path.join(RESULTS, 'vite-app.png')));
    } finally {
      await site.close();
    }
  }, 600_000); // a cold run compiles four components

  it('vite 7 build: the same page renders with the same isolated packages and the same protections', async () => {
    compiled.length = 0;
    const outDir = path.join(WORK, 'isolated-vite7');
    // The same components as the vite 8 page (a component does not depend on the bundler), prebuilt by test/setup/prebuild.ts.
    // In a vite 7 app the plugin's types come from that app's vite; here the workspace's vite is 8.
    await buildWithVite7(viteConfig([plugin()], outDir) as unknown as Vite7Config);
    expect(compiled.map((c) => c.name).sort()).toEqual(['marked', 'price-feed', 'wallet-format', 'yaml']);
    const site = await serveStatic(outDir);
    try {
      expectRenderedAndUntouched(await visit(browser, site.url, path.join(RESULTS, 'vite7-app.png')));
    } finally {
      await site.close();
    }
  }, 600_000);

  it('dev server: serves the same page, and a change to app code reloads it without rebuilding any component', async () => {
    compiled.length = 0;
    const server: ViteDevServer = await createServer({ ...viteConfig([plugin()], path.join(WORK, 'unused')), server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: true } });
    await server.listen();
    try {
      const url = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}/`;
      expectRenderedAndUntouched(await visit(browser, url, path.join(RESULTS, 'vite-app-dev.png')));
      expect(compiled.map((c) => c.name).sort()).toEqual(['marked', 'price-feed', 'wallet-format', 'yaml']);

      // An edit to app code: vite reloads the page; components are neither recompiled nor reloaded from the cache.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 180_000 });
      await page.evaluate(() => ((window as any).__beforeEdit = true));
      server.watcher.emit('change', path.join(APP, 'src/main.js'));
      // A reload gives a fresh window: the mark set before the edit is gone once the page is ready again.
      await page.waitForFunction(() => (window as any).__beforeEdit === undefined && document.body?.dataset.ready === 'true', null, { timeout: 180_000 });
      expect(await page.textContent('#document h1')).toBe('Invoice 42');
      await context.close();
      expect(compiled).toHaveLength(4);
    } finally {
      await server.close();
    }
  }, 600_000);

  it('control: the same page built without isolation is compromised, and the checks above see it', async () => {
    await build(viteConfig([], path.join(WORK, 'native')));
    const site = await serveStatic(path.join(WORK, 'native'));
    try {
      const evidence = await visit(browser, site.url);
      expect(evidence.heading).toBe('Invoice 42');
      expect(evidence.fetchIsPages).toBe(false);
      expect(evidence.xhrIsPages).toBe(false);
      expect(evidence.fetchedPayTo).toBe(ATTACKER);
      expect(evidence.injected).toBe(true);
      expect(evidence.requests.some((r) => r.includes('collector.evil.example') && r.includes(COOKIE) && r.includes(STORAGE))).toBe(true);
      expect(evidence.violations).toEqual([]);
    } finally {
      await site.close();
    }
  });
});
