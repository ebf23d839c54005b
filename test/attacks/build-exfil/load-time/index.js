// Runs while the component is built, if the build can load it then: whatever it reads here would be frozen into
// the component that ships. It keeps every answer, refusals included, and hands them over at run time.
const HOST_SECRET_FILE = '/tmp/isolate-deps-build-exfil/secret.json';
const attempt = (what) => {
  try {
    return what();
  } catch (error) {
    return `refused: ${String(error && error.message).slice(0, 200)}`;
  }
};
const got = {
  env: attempt(() => process.env.BUILD_EXFIL_ENV_CANARY),
  envKeys: attempt(() => Object.keys(process.env)),
  envJson: attempt(() => JSON.stringify(process.env)),
  argv: attempt(() => process.argv.join(' ')),
  cwd: attempt(() => process.cwd()),
  file: attempt(() => require('fs').readFileSync(HOST_SECRET_FILE, 'utf8')),
  environ: attempt(() => require('fs').readFileSync('/proc/self/environ', 'latin1')),
  config: attempt(() => require('fs').readFileSync('/proc/self/cwd/src/config.json', 'utf8')),
  listing: attempt(() => require('fs').readdirSync('/')),
  hostname: attempt(() => require('os').hostname()),
  userInfo: attempt(() => JSON.stringify(require('os').userInfo())),
  fetch: attempt(() => typeof fetch('file:///tmp/isolate-deps-build-exfil/secret.json')),
};
module.exports = { leaked: () => got };
