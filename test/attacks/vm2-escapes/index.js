// Every attempt here starts from a live host object the app hands over and tries to reach the host realm:
// its Function (and from there `process`), its prototypes, its internals (`req.socket._handle`, the server, the
// app's listeners), or to crash it. Each attempt's outcome is reported as text; the host asserts from outside
// that no canary appears, that its objects are untouched and that it is still alive.
'use strict';

const results = {};
let secretFile = '';

/** What a supposed `process` gives away: its env canary and a host file read through `mainModule`. */
function loot(p) {
  const found = [];
  const tryPush = (fn) => {
    try {
      found.push(String(fn()));
    } catch (error) {
      found.push(`threw ${error && error.name}`);
    }
  };
  tryPush(() => p && p.env && p.env.MEMBRANE_CANARY);
  tryPush(() => p.mainModule.require('fs').readFileSync(secretFile, 'utf8'));
  tryPush(() => p.binding('fs') && 'binding');
  tryPush(() => (p.getBuiltinModule ? p.getBuiltinModule('fs').readFileSync(secretFile, 'utf8') : 'no getBuiltinModule'));
  return found.join(' | ');
}

/** Runs `fn`; a function result is treated as a Function constructor to compile `return process` with. */
function attempt(name, fn) {
  try {
    const value = fn();
    if (typeof value === 'function') {
      let p;
      try {
        p = value('return process')();
      } catch (error) {
        results[name] = `function that does not compile code: ${error && error.name}`;
        return;
      }
      results[name] = `process? ${loot(p)}`;
      return;
    }
    if (value && typeof value === 'object' && 'env' in value) {
      results[name] = `process? ${loot(value)}`;
      return;
    }
    results[name] = describe(value);
  } catch (error) {
    results[name] = `refused: ${error && error.name}: ${error && error.message}`;
  }
}

function describe(value) {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object' || typeof value === 'function') {
    try {
      return `${typeof value} ${Object.keys(value).slice(0, 12).join(',')}`;
    } catch (error) {
      return `${typeof value} (keys threw ${error && error.name})`;
    }
  }
  return `${typeof value} ${String(value).slice(0, 200)}`;
}

const FN = (x) => x && x.constructor && x.constructor.constructor;

/** The families of escapes, against one live host object `t` (a request, a response, an instance, an emitter). */
function escapes(label, t) {
  const at = (name, fn) => attempt(`${label}.${name}`, fn);
  // The classic: the object's constructor's constructor is the realm's Function.
  at('constructor.constructor', () => t.constructor.constructor);
  at('__proto__.constructor', () => t.__proto__.constructor.constructor);
  at('getPrototypeOf', () => FN(Object.getPrototypeOf(t)));
  at('getPrototypeOf^2', () => FN(Object.getPrototypeOf(Object.getPrototypeOf(t))));
  at('method.constructor', () => t.on && t.on.constructor);
  at('toString.constructor', () => t.toString.constructor);
  at('hasOwnProperty.constructor', () => t.hasOwnProperty.constructor);
  // Getters and setters: the host's accessor functions.
  at('__lookupGetter__', () => t.__lookupGetter__ && t.__lookupGetter__('headersSent'));
  at('__lookupGetter__.socket', () => t.__lookupGetter__ && t.__lookupGetter__('socket'));
  at('descriptor.get', () => {
    for (let o = t; o; o = Object.getPrototypeOf(o)) {
      for (const key of Reflect.ownKeys(o)) {
        const d = Reflect.getOwnPropertyDescriptor(o, key);
        if (d && (d.get || d.set)) return (d.get || d.set).constructor;
      }
    }
    return 'no accessor';
  });
  at('descriptor.value.constructor', () => {
    const d = Reflect.getOwnPropertyDescriptor(t, 'headers') || Reflect.getOwnPropertyDescriptor(t, 'name');
    return d && FN(d.value);
  });
  // Internals that lead to native handles, the server, the app and its listeners.
  at('socket._handle', () => t.socket && t.socket._handle);
  at('socket._handle.constructor', () => FN(t.socket && t.socket._handle));
  at('socket.server', () => t.socket && t.socket.server);
  at('socket.server.constructor', () => FN(t.socket && t.socket.server));
  at('connection.server', () => t.connection && t.connection.server);
  at('socket.on', () => t.socket && typeof t.socket.write);
  at('socket.destroy', () => t.socket && t.socket.destroy && t.socket.destroy());
  at('socket.constructor', () => FN(t.socket));
  at('socket._httpMessage', () => t.socket && t.socket._httpMessage);
  // The host realm's own objects, held by an app object: never handed over.
  at('holds process', () => t.proc && t.proc.env);
  at('holds globalThis', () => t.realm && t.realm.process);
  at('app', () => t.app);
  at('server', () => t.server);
  at('_events', () => t._events);
  at('_events.values', () => t._events && Object.values(t._events).map((l) => FN(l)));
  at('_readableState', () => t._readableState);
  at('listeners', () => t.listeners && t.listeners('data').concat(t.listeners('request')).map((l) => FN(l)));
  at('rawListeners', () => t.rawListeners && t.rawListeners('data').map((l) => FN(l)));
  at('domain', () => t.domain);
  at('removeAllListeners', () => t.removeAllListeners && t.removeAllListeners());
  // Host-only events: 'error' without a listener would crash the host.
  at('emit.error', () => t.emit && t.emit('error', new Error('crash the host')));
  at('emit.data', () => t.emit && t.emit('data', 'forged'));
  at('destroy.error', () => t.destroy && t.destroy(new Error('crash the host via destroy')));
  // A thrown host error (CVE-2023-29017 and 37466 reach the host through such errors and their stacks).
  at('host error.constructor', () => {
    try {
      t.setHeader ? t.setHeader('bad header name\n', 'x') : t.on(Symbol('not an event'), 'not a function');
    } catch (e) {
      return FN(e);
    }
    return 'no error';
  });
  at('host error.stack', () => {
    const before = Error.prepareStackTrace;
    Error.prepareStackTrace = (_e, frames) => frames.map((f) => f.getThis && f.getThis()).filter(Boolean).map((x) => FN(x));
    try {
      t.on(undefined, 42);
    } catch (e) {
      const stack = e.stack;
      return Array.isArray(stack) ? stack.find((f) => typeof f === 'function') : `stack ${typeof stack}`;
    } finally {
      Error.prepareStackTrace = before;
    }
    return 'no error';
  });
  // CVE-2023-30547/32314: host code stringifies an argument whose toString is a guest Proxy: the arguments it
  // receives must be guest values.
  at('toString proxy argument', () => {
    let leaked = 'not called';
    const evil = {
      toString: new Proxy(function () {}, {
        apply(_t, _thiz, args) {
          leaked = FN(args);
          return 'x';
        },
      }),
    };
    try {
      if (t.setHeader) t.setHeader('x-evil', evil);
      else if (t.describe) t.describe(evil);
    } catch {}
    return leaked;
  });
  // A guest Proxy as argument: the host calls its traps; the receiver must never be a host object.
  at('proxy traps argument', () => {
    let receiverFn = 'no trap';
    const trap = new Proxy({}, {
      get(target, key, receiver) {
        receiverFn = FN(receiver);
        return Reflect.get(target, key, receiver);
      },
      ownKeys(target) {
        return Reflect.ownKeys(target);
      },
    });
    try {
      if (t.setHeader) t.setHeader('x-trap', trap);
      else if (t.describe) t.describe(trap);
    } catch {}
    return receiverFn;
  });
  // Symbol hooks the host may call: toPrimitive, hasInstance, Node's custom inspect (CVE-2023-37903).
  at('Symbol.toPrimitive', () => {
    let leaked = 'not called';
    const evil = {
      [Symbol.toPrimitive](...args) {
        leaked = FN(args);
        return 1;
      },
    };
    try {
      t.compare ? t.compare(evil) : t.setHeader && t.setHeader('x-prim', evil);
    } catch {}
    return leaked;
  });
  at('Symbol.hasInstance', () => {
    let leaked = 'not called';
    class Evil {
      static [Symbol.hasInstance](x) {
        leaked = FN(x);
        return false;
      }
    }
    try {
      if (t.isInstance) t.isInstance(Evil);
    } catch {}
    return leaked;
  });
  at('inspect.custom', () => {
    let leaked = 'not called';
    const evil = {
      [Symbol.for('nodejs.util.inspect.custom')](_depth, _options, inspect) {
        leaked = inspect && inspect.constructor;
        return 'x';
      },
    };
    try {
      if (t.describe) t.describe(evil);
    } catch {}
    return leaked;
  });
  // CVE-2023-37466: Promise species on a host promise.
  at('Promise species', () => {
    let leaked = 'not called';
    const p = t.later ? t.later() : undefined;
    if (!p) return 'no promise';
    try {
      p.constructor = {
        [Symbol.species]: class FakePromise {
          constructor(executor) {
            executor(
              (x) => x,
              (err) => {
                leaked = FN(err);
              },
            );
          }
        },
      };
    } catch (error) {
      return `refused: ${error.name}`;
    }
    try {
      p.then();
    } catch {}
    return leaked;
  });
  // Writes: prototype changes and accessors must not reach the host object.
  at('set constructor', () => {
    t.constructor = { constructor: Function };
    return 'assigned';
  });
  at('set __proto__', () => {
    t.__proto__ = { polluted: true };
    return 'assigned';
  });
  at('setPrototypeOf', () => Object.setPrototypeOf(t, { pollutedByGuest: true }) && t.pollutedByGuest);
  at('defineProperty accessor', () => {
    Object.defineProperty(t, 'url', {
      get() {
        return 'hijacked';
      },
    });
    return 'defined';
  });
  at('__defineGetter__', () => {
    t.__defineGetter__('method', () => 'hijacked');
    return 'defined';
  });
  at('pollute via proto', () => {
    const proto = Object.getPrototypeOf(t);
    if (proto) proto.pollutedByGuest = 'yes';
    return 'written';
  });
  at('Function.prototype.toString', () => t.on && Function.prototype.toString.call(t.on).slice(0, 200));
  at('method this swap', () => t.on && t.on.call({ _events: {}, constructor: Function }, 'x', () => {}) && 'called');
}

/** The attack: every family against each live object the app passes in. */
function attack(objects, file) {
  secretFile = file;
  for (const [label, value] of Object.entries(objects)) escapes(label, value);
  return results;
}

/** Honest use of the same objects, so the membrane is shown to work and not merely to refuse. */
function honest(req, res, instance, emitter) {
  const seen = {
    method: req.method,
    url: req.url,
    header: req.headers['x-probe'],
    remoteAddress: req.socket.remoteAddress,
    greeting: instance.greet('guest'),
    count: instance.count,
    // Identity: one stand-in per host object, and a stand-in sent back is the host's original.
    sameSocket: req.socket === req.socket,
    sameRequest: res.req === req,
    sameMethod: res.setHeader === res.setHeader,
    backOnHost: instance.isSelf(instance),
    protoIsGuestOwn: Object.getPrototypeOf(instance) === Object.prototype,
  };
  instance.count = 41;
  instance.bump();
  emitter.on('ping', (value) => {
    emitter.lastPing = `pong ${value}`;
  });
  res.setHeader('x-honest', 'yes');
  return seen;
}

module.exports = { attack, honest, results: () => results };
