import { parseSync } from 'oxc-parser/src-js/bindings';
import { BUILTINS, NOTABLE_BUILTINS, builtinCapabilities, type Capability } from './capabilities.ts';
import { encodedRuns } from './encoded-runs.ts';
import { LineIndex } from './line-index.ts';
import { walkCandidates, type AstNode } from './pruned-walk.ts';

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
}

// Tokens that can only matter if present in the text: files without any skip the parser entirely.
// Each alternative is what a check below looks for: a built-in loaded by require/import/export-from,
// process.env/binding/dlopen, the network and eval globals, and require/import with a non-literal argument.
// Why the quoted name comes first and the require/from/import before it is checked afterwards: a
// leading lookbehind defeats the regex engine's first-character scan and costs 5x on a large tree.
const QUOTED_BUILTIN = String.raw`(['"\x60])(?:node:[a-z_/]+|(?:${NOTABLE_BUILTINS.join('|')})(?:/[a-z_/]+)?)\1`;
const CANDIDATE = new RegExp(
  String.raw`\bprocess\s*(?:\.\s*|\[\s*['"])(?:env|binding|dlopen|_linkedBinding)\b|\b(?:fetch|XMLHttpRequest|WebSocket|EventSource|eval|WebAssembly)\b|\bFunction\s*\(|\bimport\s*\(|\brequire\s*\(\s*(?!['"][^'"\\\n]*['"]\s*\))|${QUOTED_BUILTIN}`,
  'g',
);
const ANY_QUOTED_BUILTIN = /(['"\x60])((?:node:)?[a-z_]+(?:\/[a-z_]+)?)\1/g;

const NET_GLOBALS = new Set(['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'global', 'self']);
const DECODERS = new Set(['atob', 'unescape', 'decodeURIComponent', 'decodeURI', 'fromCharCode', 'from']);

/** Finds the capabilities one JS file uses: cheap token scan first, then the oxc parser around the hits. */
export function scanFile(filename: string, text: string): FileScan {
  const scan: FileScan = { sightings: [], builtins: new Map(), envNames: new Set(), globals: new Set(), parsed: false, parseError: undefined };
  const lines = new LineIndex(text);
  for (const run of encodedRuns(text)) {
    const { line, column } = lines.locate(run.start);
    scan.sightings.push({ capability: 'obfuscation', line, column, detail: `${run.length} characters of encoded data` });
  }
  const offsets: number[] = [];
  for (const match of candidates(text)) offsets.push(match.index);
  if (offsets.length === 0) return scan;

  // Once a file is parsed anyway, every built-in it loads is worth recording (tty, util, os...).
  for (const match of text.matchAll(ANY_QUOTED_BUILTIN)) if (BUILTINS.has(match[2]!.replace(/^node:/, ''))) offsets.push(match.index);
  offsets.sort((a, b) => a - b);

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
  new FileVisitor(text, lines, scan).run(program, offsets);
  return scan;
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
    const token = match[0];
    const { line, column } = lines.locate(match.index);
    const quoted = builtinName(token.slice(1, -1));
    const capabilities = quoted ? builtinCapabilities(quoted, undefined) : TOKEN_CAPABILITY.filter(([re]) => re.test(token)).slice(0, 1).map(([, c]) => c);
    for (const capability of capabilities) scan.sightings.push({ capability, line, column, detail: `${token.replace(/\s+/g, '')} (file did not parse)` });
  }
}

type Binding = { module: string; declaredAt: number };

/** The checks applied to the AST nodes around candidate tokens. */
class FileVisitor {
  private readonly bindings = new Map<string, Binding>();
  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
    private readonly scan: FileScan,
  ) {}

  run(program: AstNode, offsets: number[]): void {
    walkCandidates(program, offsets, (node, parent) => this.visit(node, parent));
    if (this.bindings.size === 0) return;
    // Second pass: how each local name bound to a built-in is used (`fs.writeFileSync` → fs.write).
    const names = [...this.bindings.keys()].map((n) => n.replace(/\$/g, '\\$'));
    const uses = [...this.text.matchAll(new RegExp(String.raw`(?<![\w$.])(?:${names.join('|')})(?![\w$])`, 'g'))].map((m) => m.index);
    walkCandidates(program, uses, (node, parent) => this.visitBindingUse(node, parent));
  }

  private visit(node: AstNode, parent: AstNode | undefined): void {
    switch (node.type) {
      case 'ImportDeclaration':
        return this.importDeclaration(node);
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.source) this.useBuiltin(node.source, String(node.source.value), '*', 'export from');
        break;
      case 'ImportExpression':
        return this.importExpression(node);
      case 'CallExpression':
      case 'NewExpression':
        return this.call(node, parent);
      case 'MemberExpression':
        return this.member(node, parent);
      case 'Identifier':
        return this.identifier(node, parent);
    }
  }

  private importDeclaration(node: AstNode): void {
    const spec = String(node.source.value);
    if (node.importKind === 'type') return;
    const specifiers = node.specifiers as AstNode[];
    if (specifiers.length === 0) {
      this.useBuiltin(node.source, spec, undefined, 'import');
      return;
    }
    for (const s of specifiers) {
      if (s.type === 'ImportSpecifier') this.useBuiltin(node.source, spec, nameOf(s.imported), 'import');
      else if (this.useBuiltin(node.source, spec, null, 'import')) this.bindings.set(s.local.name, { module: builtinName(spec)!, declaredAt: s.local.start });
    }
  }

  private importExpression(node: AstNode): void {
    const spec = stringValue(node.source);
    if (spec !== undefined) {
      this.useBuiltin(node.source, spec, '*', 'import()');
      return;
    }
    this.scan.globals.add('import()');
    this.sight('dynamic-import', node, `import(${this.excerpt(node.source)})`);
  }

  private call(node: AstNode, parent: AstNode | undefined): void {
    const callee = node.callee as AstNode;
    if (callee.type !== 'Identifier') return;
    if (callee.name === 'require' && node.type === 'CallExpression' && node.arguments.length > 0) {
      const arg = node.arguments[0] as AstNode;
      const spec = stringValue(arg);
      if (spec === undefined) {
        this.scan.globals.add('require()');
        this.sight('dynamic-import', node, `require(${this.excerpt(arg)})`);
        return;
      }
      this.requireBuiltin(node, arg, spec, parent);
      return;
    }
    if ((callee.name === 'eval' || callee.name === 'Function') && node.arguments.some((a: AstNode) => containsDecoder(a))) {
      this.sight('obfuscation', node, `${callee.name} of a decoded string: ${this.excerpt(node)}`);
    }
  }

  private requireBuiltin(call: AstNode, arg: AstNode, spec: string, parent: AstNode | undefined): void {
    if (parent?.type === 'VariableDeclarator' && parent.init === call) {
      if (parent.id.type === 'Identifier') {
        if (this.useBuiltin(arg, spec, null, 'require')) this.bindings.set(parent.id.name, { module: builtinName(spec)!, declaredAt: parent.id.start });
        return;
      }
      if (parent.id.type === 'ObjectPattern') {
        for (const p of parent.id.properties as AstNode[]) this.useBuiltin(arg, spec, p.type === 'Property' && !p.computed ? nameOf(p.key) : '*', 'require');
        return;
      }
    }
    if (parent?.type === 'MemberExpression' && parent.object === call) {
      this.useBuiltin(arg, spec, parent.computed ? (stringValue(parent.property) ?? '*') : nameOf(parent.property), 'require');
      return;
    }
    // `require('fs')` as a statement only loads it; anywhere else the module object escapes.
    this.useBuiltin(arg, spec, parent?.type === 'ExpressionStatement' ? undefined : '*', 'require');
  }

  private member(node: AstNode, parent: AstNode | undefined): void {
    const object = node.object as AstNode;
    const property = node.computed ? stringValue(node.property) : nameOf(node.property);
    if (object.type !== 'Identifier' || property === undefined) return;
    if (object.name === 'process') {
      if (property === 'env') return this.env(node, parent);
      if (property === 'dlopen' || property === 'binding' || property === '_linkedBinding') this.sight('native', node, `process.${property}`);
      return;
    }
    if (GLOBAL_OBJECTS.has(object.name)) this.global(property, node, parent);
  }

  private env(node: AstNode, parent: AstNode | undefined): void {
    let names: string[] = ['*'];
    if (parent?.type === 'MemberExpression' && parent.object === node) {
      names = [(parent.computed ? stringValue(parent.property) : nameOf(parent.property)) ?? '*'];
    } else if (parent?.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'ObjectPattern') {
      names = (parent.id.properties as AstNode[]).map((p) => (p.type === 'Property' && !p.computed ? (nameOf(p.key) ?? '*') : '*'));
    }
    this.scan.globals.add('process.env');
    for (const name of names) {
      this.scan.envNames.add(name);
      this.sight('env', node, name === '*' ? 'process.env (computed or whole)' : `process.env.${name}`);
    }
  }

  private identifier(node: AstNode, parent: AstNode | undefined): void {
    if (!isReference(node, parent)) return;
    this.global(node.name, node, parent);
  }

  private global(name: string, node: AstNode, parent: AstNode | undefined): void {
    if (NET_GLOBALS.has(name)) {
      this.scan.globals.add(name);
      this.sight('net', node, name);
    } else if (name === 'eval') {
      this.scan.globals.add('eval');
      this.sight('eval', node, 'eval');
    } else if (name === 'Function' && (parent?.type === 'CallExpression' || parent?.type === 'NewExpression') && parent.callee === node) {
      this.scan.globals.add('Function');
      this.sight('eval', node, `${parent.type === 'NewExpression' ? 'new ' : ''}Function()`);
    } else if (name === 'WebAssembly') {
      this.scan.globals.add('WebAssembly');
      this.sight('wasm', node, 'WebAssembly');
    }
  }

  private visitBindingUse(node: AstNode, parent: AstNode | undefined): void {
    if (node.type !== 'Identifier') return;
    const binding = this.bindings.get(node.name);
    if (!binding || node.start === binding.declaredAt || !isReference(node, parent)) return;
    if (parent?.type === 'MemberExpression' && parent.object === node) {
      let member = parent.computed ? stringValue(parent.property) : nameOf(parent.property);
      // fs.promises.writeFile: the interesting member is one level down.
      const promise = member === 'promises' && binding.module === 'fs' ? this.nextMember(parent) : undefined;
      if (promise) member = promise;
      this.record(binding.module, member ?? '*', node, `${node.name}.${promise ? 'promises.' : ''}${member ?? '[…]'}`);
      return;
    }
    this.record(binding.module, '*', node, `${node.name} (${binding.module} passed on)`);
  }

  private nextMember(member: AstNode): string | undefined {
    const text = this.text.slice(member.end, member.end + 64);
    return /^\s*\??\.\s*([A-Za-z_$][\w$]*)/.exec(text)?.[1];
  }

  /** Records a built-in use: member undefined = loaded only, null = bound to a name (decided later), "*" = escapes. */
  private useBuiltin(at: AstNode, spec: string, member: string | undefined | null, how: string): boolean {
    const module = builtinName(spec);
    if (module === undefined) return false;
    if (member === null) {
      const members = this.scan.builtins.get(module) ?? new Set();
      this.scan.builtins.set(module, members);
      // Binding the module: the module-wide capability shows now, members refine fs in the second pass.
      for (const capability of builtinCapabilities(module, 'require')) this.sight(capability, at, `${how} "${spec}"`);
      return true;
    }
    this.record(module, member, at, member === undefined ? `${how} "${spec}"` : `${how} "${spec}" (${member === '*' ? 'whole module' : member})`);
    return true;
  }

  private record(module: string, member: string | undefined, at: AstNode, detail: string): void {
    const members = this.scan.builtins.get(module) ?? new Set();
    if (member !== undefined) members.add(member);
    this.scan.builtins.set(module, members);
    const capabilities = member === undefined ? builtinCapabilities(module, 'require') : builtinCapabilities(module, member === '*' ? undefined : member);
    for (const capability of capabilities) this.sight(capability, at, detail);
  }

  private sight(capability: Capability, node: AstNode, detail: string): void {
    const { line, column } = this.lines.locate(node.start);
    this.scan.sightings.push({ capability, line, column, detail });
  }

  private excerpt(node: AstNode): string {
    const text = this.text.slice(node.start, node.end).replace(/\s+/g, ' ');
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
}

/** "node:fs" → "fs"; undefined when the specifier is not a Node built-in. */
export function builtinName(spec: string): string | undefined {
  const name = spec.startsWith('node:') ? spec.slice(5) : spec;
  return BUILTINS.has(name) ? name : undefined;
}

function stringValue(node: AstNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value?.cooked ?? undefined;
  return undefined;
}

function nameOf(node: AstNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Identifier') return node.name;
  return stringValue(node);
}

/** Whether an Identifier is read as a variable (not a property name, a key or a declaration). */
function isReference(node: AstNode, parent: AstNode | undefined): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object === node || parent.computed;
    case 'Property':
      return parent.value === node || parent.computed || parent.shorthand;
    case 'MethodDefinition':
    case 'PropertyDefinition':
    case 'AccessorProperty':
      return parent.key !== node || parent.computed;
    case 'VariableDeclarator':
      return parent.id !== node;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ClassDeclaration':
    case 'ClassExpression':
      return parent.id !== node && !(parent.params as AstNode[] | undefined)?.includes(node);
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
    case 'ExportSpecifier':
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'MetaProperty':
      return false;
    case 'UnaryExpression':
      // `typeof fetch` probes for the global without using it.
      return parent.operator !== 'typeof';
    default:
      return true;
  }
}

function containsDecoder(node: AstNode): boolean {
  let found = false;
  const visit = (n: unknown): void => {
    if (found || n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const ast = n as AstNode;
    if (ast.type === 'CallExpression') {
      const callee = ast.callee as AstNode;
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? nameOf(callee.property) : undefined;
      if (name !== undefined && DECODERS.has(name)) found = true;
      if (name === 'toString' && ast.arguments.length > 0) found = true;
    }
    for (const key in ast) if (key !== 'type') visit(ast[key]);
  };
  visit(node);
  return found;
}
