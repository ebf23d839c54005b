import type { Edit, Node } from 'jsonc-parser';
import picomatch from 'picomatch';
import { grantFor, type GrantSuggestion } from './grant-suggestion.ts';
import { jsoncParser } from './lazy-modules.ts';
import { entriesFor } from './match.ts';
import type { Policy } from './types.ts';

/** One refused attempt as the runtime records it (a trace's denial event, an onViolation event). */
export interface Denial {
  package: string;
  capability: string;
  target: string;
}

/** What one package needs added to its entry, found from its denials. */
export interface PackageGrants {
  package: string;
  /** The policy key whose "allow" gets the grants; undefined when no entry isolates the package. */
  key: string | undefined;
  /** New grants, de-duplicated, with how many refused attempts each would have allowed. */
  grants: { grant: GrantSuggestion; attempts: number; targets: string[] }[];
  /** Attempts no grant can allow (child_process, paths outside the project), by capability and target. */
  ungrantable: { capability: string; target: string; attempts: number }[];
}

/**
 * The smallest grants that would have allowed the denied attempts, per package, leaving out what the
 * policy grants already (a denial from a build older than the policy).
 */
export function grantsForDenials(denials: Denial[], policy: Policy): PackageGrants[] {
  const byPackage = new Map<string, Denial[]>();
  for (const d of denials) byPackage.set(d.package, [...(byPackage.get(d.package) ?? []), d]);
  return [...byPackage].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => {
    const entry = entriesFor(policy, name).find((e) => e.isolate);
    const grants = new Map<string, PackageGrants['grants'][number]>();
    const ungrantable = new Map<string, PackageGrants['ungrantable'][number]>();
    for (const d of list) {
      const grant = grantFor(d.capability, d.target);
      if (!grant) {
        const key = `${d.capability}\u0000${d.target}`;
        const found = ungrantable.get(key) ?? { capability: d.capability, target: d.target, attempts: 0 };
        found.attempts++;
        ungrantable.set(key, found);
        continue;
      }
      if (entry && alreadyGranted(entry.allow, grant)) continue;
      const key = `${grant.field}\u0000${String(grant.value)}`;
      const found = grants.get(key) ?? { grant, attempts: 0, targets: [] };
      found.attempts++;
      if (!found.targets.includes(d.target)) found.targets.push(d.target);
      grants.set(key, found);
    }
    const order = (g: GrantSuggestion) => `${g.field}\u0000${String(g.value)}`;
    return {
      package: name,
      key: entry?.key,
      grants: [...grants.values()].sort((a, b) => order(a.grant).localeCompare(order(b.grant))),
      ungrantable: [...ungrantable.values()].sort((a, b) => b.attempts - a.attempts),
    };
  });
}

function alreadyGranted(allow: Policy['packages'][number]['allow'], grant: GrantSuggestion): boolean {
  if (grant.field === 'env') return allow.env.some((p) => picomatch.isMatch(grant.value, p));
  if (grant.field === 'fs.read') return allow.fs.read.includes(grant.value);
  if (grant.field === 'fs.write') return allow.fs.write.includes(grant.value);
  if (grant.field === 'net') return allow.net.includes(grant.value);
  return allow[grant.field] === true;
}

/**
 * The policy text with the grants added to each package's "allow". Only the added grants change the text: every
 * other byte (comments, key order, indentation, which arrays sit on one line) stays as the user wrote it.
 * jsonc-parser's `modify` finds where each value goes; the whitespace around it follows the array or object
 * it joins (one line stays one line; a multi-line list gets the new item on its own line at the same indent).
 */
export function applyGrants(text: string, packages: PackageGrants[]): string {
  let result = text;
  for (const pkg of packages) {
    if (pkg.key === undefined) continue;
    for (const { grant } of pkg.grants) {
      const field = grant.field === 'fs.read' || grant.field === 'fs.write' ? ['fs', grant.field.slice(3)] : [grant.field];
      // Booleans are set; list values are appended (-1), creating the list, "fs" or "allow" when missing.
      const target = grant.value === true ? field : [...field, -1];
      result = insertValue(result, ['packages', pkg.key, 'allow', ...target], grant.value);
    }
  }
  return result;
}

type JsonPath = (string | number)[];

function insertValue(text: string, path: JsonPath, value: unknown): string {
  const { applyEdits, modify, parseTree, findNodeAtLocation } = jsoncParser();
  const tree = parseTree(text);
  const edits = modify(text, path, value, {});
  const edit = edits[0];
  if (!tree || !edit) throw new Error(`cannot add ${JSON.stringify(value)} at ${path.join('.')}: the policy text does not parse`);
  // Without formatting options, modify's edit is minimal JSON: a replaced value (kept as is), or an insertion
  // into the nearest existing array or object ("," + item, or the item alone in an empty one) that gets restyled.
  if (edit.length > 0) return applyEdits(text, edits);
  const container = deepestExisting(tree, path, findNodeAtLocation);
  return applyEdits(text, [styledInsertion(text, container, edit)]);
}

/** The array or object modify inserts into: the deepest node of the path that exists. */
function deepestExisting(tree: Node, path: JsonPath, find: (root: Node, path: JsonPath) => Node | undefined): Node {
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const node = find(tree, path.slice(0, depth));
    if (node) return node;
  }
  return tree;
}

function styledInsertion(text: string, container: Node, edit: Edit): Edit {
  const raw = edit.content.replace(/^,/, '');
  // An object's insertion is one `"key":value` property; an array's is one value.
  const item = container.type === 'object' ? inlineProperty(JSON.parse(`{${raw}}`) as Record<string, unknown>) : inlineJson(JSON.parse(raw));
  const children = container.children ?? [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (children.length === 0) {
    // `[]` → `["X"]`, `{}` → `{ "k": v }`; an empty container spread over lines gets the item on its own line.
    const inner = text.slice(container.offset + 1, container.offset + container.length - 1);
    const closingIndent = lineIndent(text, container.offset + container.length - 1);
    const content = inner.includes('\n')
      ? `${eol}${closingIndent}${indentUnit(text)}${item}${eol}${closingIndent}`
      : container.type === 'object' ? ` ${item} ` : item;
    return { offset: container.offset + 1, length: inner.length, content };
  }
  // The new item is laid out like the gap before the last one: on its own line at the same indent, or after
  // a comma on the same line with the space the user put there (`"A","B"` or `"A", "B"`; one space by default).
  const last = children[children.length - 1]!;
  const previous = children[children.length - 2];
  const gap = text.slice(previous ? previous.offset + previous.length : container.offset + 1, last.offset);
  if (gap.includes('\n')) return { offset: edit.offset, length: 0, content: `,${eol}${lineIndent(text, last.offset)}${item}` };
  const afterComma = previous ? /,([ \t]*)/.exec(gap)?.[1] : undefined;
  return { offset: edit.offset, length: 0, content: `,${afterComma ?? ' '}${item}` };
}

/** The whitespace that starts the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** One level of the file's indentation: the first indented line's leading whitespace (tabs or spaces). */
function indentUnit(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}

/** JSON on one line, spaced as people write it: `{ "read": ["./config/**"] }`, `["A", "B"]`. */
function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') return Object.keys(value).length === 0 ? '{}' : `{ ${inlineProperty(value as Record<string, unknown>)} }`;
  return JSON.stringify(value);
}

function inlineProperty(object: Record<string, unknown>): string {
  return Object.entries(object).map(([key, value]) => `${JSON.stringify(key)}: ${inlineJson(value)}`).join(', ');
}
