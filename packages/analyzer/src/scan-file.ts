import { createRequire } from 'node:module';

// oxc-parser's native binding loads on the first file that needs the parser (about 50 ms): a warm build, whose
// analyses are remembered, and most CLI commands never need it.
const require = createRequire(import.meta.url);
let parser: typeof import('oxc-parser/src-js/bindings') | undefined;
const parseSync: typeof import('oxc-parser/src-js/bindings').parseSync = (...args) => (parser ??= require('oxc-parser/src-js/bindings') as typeof import('oxc-parser/src-js/bindings')).parseSync(...args);
import { BUILTINS, NOTABLE_BUILTINS, builtinCapabilities, type Capability } from './capabilities.ts';
import { encodedRuns } from './encoded-runs.ts';
import { FileVisitor } from './file-visitor.ts';
import { LineIndex } from './line-index.ts';
import type { AstNode } from './ast-node.ts';

/** One sighting of a capability inside a file. */
export interface Sighting {
  capability: Capability;
  line: number;
  column: number;
  detail: string;
}

/** What one file does, as far as static analysis can tell. */
export interface FileScan {
  sightings: Sighting[];
  /** Built-in module → members used ("*" when not static). */
  builtins: Map<string, Set<string>>;
  envNames: Set<string>;
  globals: Set<string>;
  parsed: boolean;
  parseError: string | undefined;
  /** Specifiers this file loads statically (relative files, packages, `#imports`), for reachability. */
  specifiers?: Set<string>;
  /** The first computed require()/import() seen: the file may load any file of its package. */
  computedLoad?: string | undefined;
}

// Tokens that can only matter if present in the text: files without any skip the parser entirely.
// Each alternative is what the visitor looks for: a built-in loaded by require/import/export-from,
// process (its env and native bindings, under any alias), the network and eval globals, Function called,
// applied or aliased (not `instanceof Function` or `Function.prototype`), computed access to the global
// object, Reflect, and require aliased or called with a computed argument.
// Why the quoted name comes first and the require/from/import before it is checked afterwards: a
// leading lookbehind defeats the regex engine's first-character scan and costs 5x on a large tree.
const QUOTED_BUILTIN = String.raw`(['"\x60])(?:node:[a-z_/]+|(?:${NOTABLE_BUILTINS.join('|')})(?:/[a-z_/]+)?)\1`;
// process.<these> never reach a capability: skipping them keeps most files with a process.nextTick unparsed.
const HARMLESS_PROCESS = 'nextTick|platform|version|versions|cwd|exit|exitCode|on|once|emit|emitWarning|argv|stdout|stderr|stdin|pid|ppid|arch|hrtime|memoryUsage|title|uptime|umask|execPath|execArgv|browser|release|features|config';
const CANDIDATE = new RegExp(
  String.raw`\bprocess\b(?!\s*\.\s*(?:${HARMLESS_PROCESS})\b)|\b(?:fetch|XMLHttpRequest|WebSocket|EventSource|eval|WebAssembly)\b|\bFunction\b(?=\s*(?:[(;,\]]|\.\s*(?:apply|call|bind)\b|$))|\b(?:globalThis|global|self|window)\s*\[|\bReflect\s*\.\s*(?:get|apply|construct)\b|\bimport\s*\(|\brequire\b(?=\s*(?:[;,)\]]|$|\(\s*[^'"\s)]|\(\s*['"][^'"\\\n]*['"]\s*[^)\s]))|${QUOTED_BUILTIN}`,
  'gm',
);
// Static loads, found without parsing (comments included: reachability may over-approximate, never miss).
const STATIC_LOAD = /\b(?:require|import)\s*\(\s*(['"\x60])([^'"\x60\n]+)\1\s*\)|\b(?:from|import)\s*(['"])([^'"\n]+)\3/g;
// An inline source map is data for debuggers, not hidden code.
const SOURCE_MAP = /[#@]\s*sourceMappingURL=data:[^,\s]*,$/;

/** Finds the capabilities one JS file uses: cheap token scan first, then the oxc parser (scope-aware walk). */
export function scanFile(filename: string, text: string): FileScan {
  const scan: FileScan = { sightings: [], builtins: new Map(), envNames: new Set(), globals: new Set(), parsed: false, parseError: undefined, specifiers: staticLoads(text) };
  const lines = new LineIndex(text);
  for (const run of encodedRuns(text)) {
    if (SOURCE_MAP.test(text.slice(Math.max(0, run.start - 200), run.start))) continue;
    const { line, column } = lines.locate(run.start);
    scan.sightings.push({ capability: 'obfuscation', line, column, detail: `${run.length} characters of encoded data` });
  }
  const first = candidates(text).next();
  if (first.done) return scan;

  const lang = filename.endsWith('.jsx') ? 'jsx' : 'js';
  const sourceType = filename.endsWith('.cjs') ? 'commonjs' : filename.endsWith('.mjs') ? 'module' : 'unambiguous';
  let result = parseSync(filename, text, { lang, sourceType, preserveParens: false });
  let errors = result.errors;
  if (errors.length > 0 && lang === 'js') {
    // Some packages ship JSX or top-level return in .js files; keep whichever reading has fewer errors.
    const retry = parseSync(filename, text, { lang: 'jsx', sourceType: 'commonjs', preserveParens: false });
    const retryErrors = retry.errors;
    if (retryErrors.length < errors.length) [result, errors] = [retry, retryErrors];
  }
  scan.parsed = true;
  if (errors.length > 0) scan.parseError = errors[0]?.message;
  // Literal values of RegExp and BigInt stay as JSON here (oxc's "fixes"): the checks only read strings.
  const program = (JSON.parse(result.program) as { node: AstNode }).node;
  if (errors.length > 0 && (program.body as unknown[]).length === 0) {
    // Nothing parsed: keep the token hits as evidence, so code the parser rejects cannot hide.
    sightTokens(text, lines, scan);
    return scan;
  }
  const visitor = new FileVisitor(text, lines, scan);
  try {
    visitor.run(program);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // Nesting deeper than the stack (a generated expression thousands of levels deep): the token hits stand in.
    scan.parseError ??= `too deeply nested to analyse (${error.message}); token evidence kept`;
    sightTokens(text, lines, scan);
    return scan;
  }
  for (const spec of visitor.specifiers) scan.specifiers!.add(spec);
  scan.computedLoad = visitor.computedLoad;
  return scan;
}

function staticLoads(text: string): Set<string> {
  const specs = new Set<string>();
  for (const m of text.matchAll(STATIC_LOAD)) specs.add(m[2] ?? m[4]!);
  return specs;
}

const FROM_OR_IMPORT = /(?<![\w$])(?:from|import)$/;
const REQUIRE_OR_IMPORT = /(?<![\w$])(?:require|import)$/;

/** The CANDIDATE matches, keeping a quoted built-in name only where require/from/import loads it. */
function* candidates(text: string): Generator<RegExpExecArray> {
  for (const match of text.matchAll(CANDIDATE)) {
    const quoted = match[0][0] === '"' || match[0][0] === "'" || match[0][0] === '`';
    if (!quoted) {
      yield match;
      continue;
    }
    // Any amount of whitespace may sit around the parenthesis: walk back over it to the keyword.
    let end = skipSpaceBack(text, match.index);
    let keyword = FROM_OR_IMPORT;
    if (text[end - 1] === '(') {
      end = skipSpaceBack(text, end - 1);
      keyword = REQUIRE_OR_IMPORT;
    }
    if (keyword.test(text.slice(Math.max(0, end - 8), end))) yield match;
  }
}

function skipSpaceBack(text: string, end: number): number {
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  return end;
}

const TOKEN_CAPABILITY: [RegExp, Capability][] = [
  [/^process\s*[.[]\s*['"]?env/, 'env'],
  [/^process/, 'native'],
  [/^(?:fetch|XMLHttpRequest|WebSocket|EventSource)$/, 'net'],
  [/^(?:eval|Function)/, 'eval'],
  [/^WebAssembly$/, 'wasm'],
  [/^(?:import|require)/, 'dynamic-import'],
];

/** Evidence from the token scan alone, for a file that did not parse. */
function sightTokens(text: string, lines: LineIndex, scan: FileScan): void {
  for (const match of candidates(text)) {
    // The token with what follows it (process.env vs process.binding).
    const token = /^process\s*[.[]\s*['"]?\w+/.exec(text.slice(match.index, match.index + 40))?.[0] ?? match[0];
    const { line, column } = lines.locate(match.index);
    const quoted = builtinName(match[0].slice(1, -1));
    const capabilities = quoted ? builtinCapabilities(quoted, undefined) : TOKEN_CAPABILITY.filter(([re]) => re.test(token)).slice(0, 1).map(([, c]) => c);
    for (const capability of capabilities) scan.sightings.push({ capability, line, column, detail: `${token.replace(/\s+/g, '')} (file did not parse)` });
  }
}

/** "node:fs" → "fs"; undefined when the specifier is not a Node built-in. */
export function builtinName(spec: string): string | undefined {
  const name = spec.startsWith('node:') ? spec.slice(5) : spec;
  return BUILTINS.has(name) ? name : undefined;
}

