import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { readInstalledTree } from '@isolate-deps/analyzer';
import { APP, fixtureIntegrity, npmTree, pnpmTree } from './fixture-tree.ts';

const layouts = { npm: npmTree, pnpm: pnpmTree };

describe.each(Object.entries(layouts))('%s layout', (kind, layout) => {
  const root = layout(APP);
  const tree = readInstalledTree(root);
  const byId = new Map(tree.packages.map((p) => [`${p.name}@${p.version}`, p]));

  test('finds every installed package once, both versions of ms included', () => {
    expect([...byId.keys()].sort()).toEqual([...APP.root, 'ms@2.1.2'].sort());
    expect(tree.warnings).toEqual([]);
  });

  test('records who depends on each package', () => {
    expect(byId.get('ms@2.1.2')?.dependents).toEqual(['debug@4.3.4']);
    expect(byId.get('ms@2.1.3')?.dependents).toEqual(['(root)']);
    expect(byId.get('debug@4.3.4')?.dependents).toEqual(['(root)']);
  });

  test('reads install scripts, the implicit node-gyp build, bin entries and integrity', () => {
    expect(byId.get('native-thing@1.0.0')?.installScripts).toEqual({ postinstall: 'node setup.js', install: 'node-gyp rebuild (implicit: binding.gyp)' });
    expect(byId.get('ms@2.1.3')?.installScripts).toEqual({});
    expect(byId.get('mkdirp@1.0.4')?.bin).toEqual({ mkdirp: 'bin/cmd.js' });
    expect(byId.get('dotenv@16.4.5')?.integrity).toBe(fixtureIntegrity('dotenv@16.4.5'));
  });

  test('keeps every path a package appears at', () => {
    const paths = byId.get('debug@4.3.4')?.paths ?? [];
    expect(paths).toContain('node_modules/debug');
    if (kind === 'pnpm') expect(paths).toContain('node_modules/.pnpm/debug@4.3.4/node_modules/debug');
  });
});

test('a pnpm workspace member audited from its own folder still finds its transitive dependencies', () => {
  const root = pnpmTree(APP);
  const member = path.join(root, 'packages', 'app');
  mkdirSync(path.join(member, 'node_modules'), { recursive: true });
  writeFileSync(path.join(member, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { debug: '4.3.4' } }));
  symlinkSync('../../../node_modules/.pnpm/debug@4.3.4/node_modules/debug', path.join(member, 'node_modules', 'debug'));
  const tree = readInstalledTree(member);
  expect(tree.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['debug@4.3.4', 'ms@2.1.2']);
  expect(tree.packages[0]?.dependents).toEqual(['(root)']);
});

describe('malformed inputs', () => {
  test('a malformed package.json is a warning naming the file, and the rest is read', () => {
    const root = npmTree({ root: ['ms@2.1.3', 'broken-manifest@1.0.0'] });
    const tree = readInstalledTree(root);
    expect(tree.packages.map((p) => p.name)).toEqual(['ms']);
    expect(tree.warnings).toEqual([{ file: 'node_modules/broken-manifest/package.json', message: expect.stringMatching(/^malformed package.json, package skipped: /) }]);
  });

  test('a malformed lockfile is a warning naming the file, and the tree is still read', () => {
    const npmRoot = npmTree({ root: ['ms@2.1.3'] });
    writeFileSync(path.join(npmRoot, 'package-lock.json'), '{ "packages": ');
    const pnpmRoot = pnpmTree({ root: ['ms@2.1.3'] });
    writeFileSync(path.join(pnpmRoot, 'pnpm-lock.yaml'), 'packages:\n  - [unclosed\n');
    for (const [root, file] of [[npmRoot, 'package-lock.json'], [pnpmRoot, 'pnpm-lock.yaml']] as const) {
      const tree = readInstalledTree(root);
      expect(tree.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['ms@2.1.3']);
      expect(tree.packages[0]?.integrity).toBeUndefined();
      expect(tree.warnings).toEqual([{ file, message: expect.stringMatching(/^malformed lockfile, ignored: /) }]);
    }
  });

  test('a workspace package linked into node_modules is first-party code, not a dependency', () => {
    const root = pnpmTree({ root: ['ms@2.1.3'] });
    const workspacePackage = path.join(root, 'packages', 'local');
    mkdirSync(workspacePackage, { recursive: true });
    writeFileSync(path.join(workspacePackage, 'package.json'), JSON.stringify({ name: 'local', version: '0.0.0' }));
    symlinkSync('../packages/local', path.join(root, 'node_modules', 'local'));
    expect(readInstalledTree(root).packages.map((p) => p.name)).toEqual(['ms']);
  });
});
