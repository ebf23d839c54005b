import { describe, expect, test } from 'vitest';
import { analyzePackage, scanFile } from '@isolate-deps/analyzer';
import path from 'node:path';
import { PACKAGES } from './fixture-tree.ts';

const sightings = (source: string, file = 'index.js') => scanFile(file, source).sightings.map((s) => `${s.capability} ${s.line} ${s.detail}`);

describe('scanFile', () => {
  test('built-ins with their static members, CJS and ESM, node: prefix included', () => {
    const scan = scanFile('a.mjs', `import { readFile } from 'node:fs/promises';\nimport * as cp from 'child_process';\nimport http from 'http';\ncp.spawn('ls');\nhttp.get(url);\nimport os from 'os';`);
    expect(Object.fromEntries([...scan.builtins].map(([m, s]) => [m, [...s].sort()]))).toEqual({ 'fs/promises': ['readFile'], child_process: ['spawn'], http: ['get'], os: [] });
    expect(sightings(`const fs = require('fs');\nfs.writeFileSync('x', 'y');\nfs.existsSync('z');`)).toEqual(['fs.write 2 fs.writeFileSync', 'fs.read 3 fs.existsSync']);
    expect(sightings(`const { spawn } = require("node:child_process");`)).toEqual(['child_process 1 child_process.spawn']);
    expect(sightings(`const fs = require('fs');\nfs.promises.writeFile('x');`)).toEqual(['fs.write 2 fs/promises.writeFile']);
  });

  test('a built-in is found however much whitespace sits around require( / from / import, and a quoted name alone is not a load', () => {
    const pad = ' '.repeat(60);
    expect(sightings(`const cp = require${pad}(${pad}'child_process');\ncp.exec(c);`)).toEqual(['child_process 2 child_process.exec']);
    // Loading a module is not using it.
    expect(sightings(`const cp = require('child_process');`)).toEqual([]);
    expect(sightings(`import { exec } from\n\n${pad}'node:child_process';\nexec(c);`, 'a.mjs').map((s) => s.split(' ').slice(0, 2).join(' '))).toEqual(['child_process 1']);
    expect(sightings(`const names = ['child_process', "fs"];\nlog(\`http\`);`)).toEqual([]);
  });

  test('a built-in whose module object is handed on counts as a read, and as a write where a write member is reached', () => {
    expect(sightings(`var fs = require('fs');\nmodule.exports = patch(fs);`)).toEqual(['fs.read 2 fs (whole module passed to a call)']);
    expect(sightings(`const fs = require('fs');\nconst opts = { fs };\nopts.fs.mkdirSync(p);`)).toEqual([
      'fs.read 2 fs (whole module stored or passed on)',
      'fs.write 3 opts.fs.mkdirSync (fs was handed on at line 2)',
    ]);
    expect(sightings(`var cp = require('child_process');\nrun(cp);`)).toEqual(['child_process 2 child_process (whole module passed to a call)']);
  });

  test('process.env names, destructured and computed', () => {
    const scan = scanFile('a.js', `const { HOME, USER: u } = process.env;\nprocess.env['CI'];\nprocess.env[key];\nObject.keys(process.env);`);
    expect([...scan.envNames].sort()).toEqual(['*', 'CI', 'HOME', 'USER']);
    expect(scan.sightings.filter((s) => s.capability === 'env').map((s) => s.line)).toEqual([1, 1, 2, 3, 4]);
  });

  test('network, eval and WebAssembly globals; property names and typeof probes are not uses', () => {
    expect(sightings(`fetch(u);\nnew WebSocket(u);\nglobalThis.XMLHttpRequest;\nobj.fetch();\ntypeof fetch;\n({ fetch: 1 });`)).toEqual(['net 1 fetch', 'net 2 WebSocket', 'net 3 XMLHttpRequest']);
    expect(sightings(`eval(code);\nnew Function('a', 'b');\nWebAssembly.instantiate(bytes);`)).toEqual(['eval 1 eval()', 'eval 2 new Function()', 'wasm 3 WebAssembly']);
  });

  test('computed import() and require() are flagged, literal ones are not', () => {
    expect(sightings(`require('./local');\nrequire(name);\nimport('./x.js');\nimport(\`./\${lang}.js\`);`)).toEqual(['dynamic-import 2 require(name)', 'dynamic-import 4 import(`./${lang}.js`)']);
  });

  test('obfuscation: eval of a decoded string, and a long line of encoded data', () => {
    expect(sightings(`eval(atob('Y29uc29sZS5sb2coMSk='));`)).toContain("obfuscation 1 eval of a decoded string: eval(atob('Y29uc29sZS5sb2coMSk='))");
    const blob = 'QUJD'.repeat(1200);
    expect(sightings(`const a = 1;\nconst data = "${blob}";`)).toEqual([`obfuscation 2 ${blob.length} characters of encoded data`]);
  });

  test('files without candidate tokens are not parsed at all', () => {
    const scan = scanFile('a.js', `module.exports = function add(a, b) { return a + b; };\nrequire('./other');`);
    expect(scan.parsed).toBe(false);
    // Words and strings that only look like capabilities do not cost a parse either.
    expect(scanFile('b.js', `// handle the data\nconst kind = 'fs';\nprocess.exit(0);\nprocess.nextTick(f);`).parsed).toBe(false);
    expect(scanFile('c.js', 'process.env.X').parsed).toBe(true);
  });

  test('a file that does not parse is reported, and its tokens still count as evidence', () => {
    const scan = scanFile('a.js', `const cp = require('child_process');\nfunction (\nfetch(u); process.env.X`);
    expect(scan.parseError).toBeDefined();
    expect(scan.sightings.map((s) => `${s.capability} ${s.line} ${s.detail}`)).toEqual([
      "child_process 1 'child_process' (file did not parse)",
      'net 3 fetch (file did not parse)',
      'env 3 process.env (file did not parse)',
    ]);
  });
});

describe('analyzePackage on real packages', () => {
  test('debug reads the environment (DEBUG_* by iteration) and uses tty/util', () => {
    const analysis = analyzePackage(path.join(PACKAGES, 'debug@4.3.4'));
    expect(Object.keys(analysis.capabilities).sort()).toEqual(['env']);
    expect(analysis.builtins.tty).toEqual(expect.arrayContaining(['isatty']));
    expect(analysis.capabilities.env?.[0]).toMatchObject({ file: 'src/browser.js', detail: expect.stringContaining('process.env') });
  });

  test('opener runs child processes, get-port opens sockets, ms does nothing notable', () => {
    expect(Object.keys(analyzePackage(path.join(PACKAGES, 'opener@1.5.2')).capabilities)).toContain('child_process');
    expect(Object.keys(analyzePackage(path.join(PACKAGES, 'get-port@5.1.1')).capabilities)).toContain('net');
    expect(analyzePackage(path.join(PACKAGES, 'ms@2.1.3')).capabilities).toEqual({});
  });

  test('native code: binding.gyp is evidence of a native addon', () => {
    const analysis = analyzePackage(path.join(PACKAGES, 'native-thing@1.0.0'));
    expect(analysis.native).toEqual(['binding.gyp']);
    expect(analysis.capabilities.native?.[0]).toMatchObject({ file: 'binding.gyp', line: 1 });
  });
});

describe('scanFile on pathological input', () => {
  test('an expression nested deeper than the stack is reported, and its tokens still count', () => {
    const deep = `module.exports = ${"'x' + ".repeat(20000)}process.env.DEEP;\nfetch(u);`;
    const scan = scanFile('deep.js', deep);
    expect(scan.parseError).toMatch(/too deeply nested to analyse/);
    expect(scan.sightings.map((s) => s.capability)).toEqual(expect.arrayContaining(['env', 'net']));
  });
});
