// The README ships in the tarball, and its relative links (docs/usage.md, bench/README.md, ...) are read against
// the installed package: in node_modules, in an editor, on a CDN's file view. The package has no repository URL
// to point them at, so the files they name ship with it, at the same paths, and the README stays as written.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where the README's links lead in the tarball: package.json "files" lists these, and build.mjs clears them first. */
export const SHIPPED_DOC_ROOTS = ['docs', 'bench', 'SECURITY.md'];

const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * The relative link targets of a markdown text, as written (fragment included): inline links and images
 * `[t](x)` and reference definitions `[t]: x`. Code blocks and code spans are left out (`a[0](b)` is code);
 * URLs with a scheme and in-page `#anchors` are not relative.
 */
export function relativeLinks(markdown) {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[^]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const targets = [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm)].map((m) => m[1]),
  ];
  return targets.filter((target) => !ABSOLUTE.test(target) && !target.startsWith('#'));
}

/** A link target as a path from the root: "docs/usage.md#x" in README.md → "docs/usage.md". */
export function linkedPath(fromFile, target) {
  const file = decodeURIComponent(target.replace(/[#?].*$/, ''));
  return path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), file));
}

/**
 * README.md and every file it reaches through relative links, as paths from `root`. A link that leaves the
 * root, names a folder or names no file is an error: the build stops rather than ship a link that leads nowhere.
 */
export function linkedFiles(root, start = 'README.md') {
  const found = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    const from = queue.shift();
    if (!from.endsWith('.md')) continue;
    for (const target of relativeLinks(readFileSync(path.join(root, from), 'utf8'))) {
      const file = linkedPath(from, target);
      const full = path.join(root, file);
      if (file.startsWith('../')) throw new Error(`${from} links to ${target}, outside the repository`);
      if (!existsSync(full)) throw new Error(`${from} links to ${target}, which does not exist`);
      if (!statSync(full).isFile()) throw new Error(`${from} links to ${target}, a folder: link a file, so the package can ship it`);
      if (!found.has(file)) {
        found.add(file);
        queue.push(file);
      }
    }
  }
  return [...found].sort();
}

/** Copies the files README.md links to (not README.md itself) from `root` into `destination`, at the same paths. */
export function copyLinkedDocs(root, destination) {
  const { files: packed } = JSON.parse(readFileSync(path.join(destination, 'package.json'), 'utf8'));
  const unpacked = SHIPPED_DOC_ROOTS.filter((shipped) => !packed.includes(shipped));
  if (unpacked.length > 0) throw new Error(`package.json "files" leaves out ${unpacked.join(', ')}: the README's links into them would lead nowhere`);
  for (const shipped of SHIPPED_DOC_ROOTS) rmSync(path.join(destination, shipped), { recursive: true, force: true });
  const files = linkedFiles(root).filter((file) => file !== 'README.md');
  for (const file of files) {
    if (!SHIPPED_DOC_ROOTS.some((shipped) => file === shipped || file.startsWith(`${shipped}/`))) {
      throw new Error(`README.md leads to ${file}, which the package does not ship: add it to SHIPPED_DOC_ROOTS and package.json "files"`);
    }
    mkdirSync(path.dirname(path.join(destination, file)), { recursive: true });
    copyFileSync(path.join(root, file), path.join(destination, file));
  }
  return files;
}
