import { builtinCapabilities, type Capability } from './capabilities.ts';
import type { LineIndex } from './line-index.ts';
import type { AstNode } from './ast-node.ts';
import { builtinName, type FileScan } from './scan-file.ts';
import { Scopes, type Binding } from './scopes.ts';

/**
 * What an expression may evaluate to, as far as capabilities go: "process", "env" (process.env),
 * "global" (globalThis and its aliases), "Function", "eval", "require", "module", "Reflect" (and
 * "Reflect.get"/"Reflect.apply"/"Reflect.construct"), "net:<global>", "wasm", "builtin:<module>",
 * "createRequire", "=<text>" (a constant string).
 */
type Kind = string;
type Kinds = readonly Kind[];
const NONE: Kinds = [];

// Free (undeclared) names and what they are.
const GLOBAL_KINDS: Readonly<Record<string, Kind>> = {
  process: 'process',
  globalThis: 'global',
  global: 'global',
  self: 'global',
  window: 'global',
  Function: 'Function',
  eval: 'eval',
  require: 'require',
  module: 'module',
  Reflect: 'Reflect',
  fetch: 'net:fetch',
  XMLHttpRequest: 'net:XMLHttpRequest',
  WebSocket: 'net:WebSocket',
  EventSource: 'net:EventSource',
  WebAssembly: 'wasm',
};
// Properties of the global object that are the same globals (require and module are per-module, not global).
const GLOBAL_OBJECT_MEMBERS = new Set(Object.keys(GLOBAL_KINDS).filter((n) => n !== 'require' && n !== 'module'));
const NATIVE_MEMBERS = new Set(['binding', '_linkedBinding', 'dlopen']);
// fs members whose names leave little doubt: once the fs module is handed on in a file (stored in an
// options object, passed to a helper), a call of one of these on any object there is taken as a write through it.
const FS_WRITE_NAMES = /^(?:writeFile|appendFile|mkdir|rmdir|unlink|rename|copyFile|symlink|chmod|chown|truncate|mkdtemp|utimes|cp|rm)(?:Sync)?$|^(?:createWriteStream|writeSync|writevSync|ftruncateSync|fsyncSync)$/;
// Helpers that compilers wrap a module object in (TypeScript, Babel, esbuild): the module passes through.
const INTEROP = /^(?:_*interop\w*|__importDefault|__importStar|__toESM|__toCommonJS)$/i;
// Parents through which a value flows on unchanged to the grandparent.
const PASS_THROUGH = new Set(['LogicalExpression', 'ConditionalExpression', 'SequenceExpression', 'ChainExpression', 'ParenthesizedExpression', 'AwaitExpression', 'TSAsExpression', 'TSNonNullExpression', 'TSSatisfiesExpression']);

/**
 * The scope-aware checks of one parsed file. Values of local bindings (aliases of process, process.env,
 * the global object, Function, require, built-in modules) are followed; a local binding shadows a
 * global. Bindings are flow-insensitive: when one grows after it was read, the file is walked again.
 */
export class FileVisitor {
  private scopes!: Scopes;
  private readonly parents: AstNode[] = [];
  private pass!: FileScan;
  private grewAfterRead = false;
  // Where the fs module was handed on in this pass, and write-like member uses on unknown objects.
  private fsHandedOn: AstNode | undefined;
  private writeLike: { node: AstNode; name: string }[] = [];
  /** Static specifiers of other files and packages; computed ones set `computedLoad`. */
  specifiers = new Set<string>();
  computedLoad: string | undefined;

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
    private readonly scan: FileScan,
  ) {}

  run(program: AstNode): void {
    const bindings = new Map<AstNode, Map<string, Binding>>();
    for (let round = 0; round < 4; round++) {
      this.pass = { sightings: [], builtins: new Map(), envNames: new Set(), globals: new Set(), parsed: true, parseError: undefined };
      this.specifiers = new Set();
      this.computedLoad = undefined;
      this.grewAfterRead = false;
      this.fsHandedOn = undefined;
      this.writeLike = [];
      this.scopes = new Scopes(bindings, () => (this.grewAfterRead = true));
      this.scopes.enter(program, true);
      this.walk(program);
      if (!this.grewAfterRead) break;
    }
    if (this.fsHandedOn) {
      const { line } = this.lines.locate(this.fsHandedOn.start);
      for (const { node, name } of this.writeLike) this.record('fs', name, node, `${this.excerpt(node)} (fs was handed on at line ${line})`);
    }
    this.scan.sightings.push(...this.pass.sightings);
    for (const [m, members] of this.pass.builtins) this.scan.builtins.set(m, new Set([...(this.scan.builtins.get(m) ?? []), ...members]));
    for (const n of this.pass.envNames) this.scan.envNames.add(n);
    for (const g of this.pass.globals) this.scan.globals.add(g);
  }

  // ---- the walk ----

  private walk(node: AstNode): void {
    const parent = this.parents[this.parents.length - 1];
    switch (node.type) {
      case 'Program':
        return this.children(node);
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return this.func(node);
      case 'BlockStatement':
      case 'StaticBlock':
      case 'SwitchStatement':
        if (parent && isFunction(parent) && parent.body === node) return this.children(node);
        return this.scoped(node, () => this.children(node));
      case 'ForOfStatement':
        return this.scoped(node, () => {
          // `for (const name of ['A', 'B'])`: the loop variable is one of those constants.
          const names = node.right.type === 'ArrayExpression' ? (node.right.elements as (AstNode | null)[]).map((e) => (e ? this.constant(e) : undefined)) : [];
          if (names.length > 0 && names.every((n) => n !== undefined) && node.left.type === 'VariableDeclaration' && node.left.declarations[0]?.id.type === 'Identifier') {
            this.scopes.assign(node.left.declarations[0].id.name, names.map((n) => `=${n}`));
          }
          this.children(node);
        });
      case 'ForStatement':
      case 'ForInStatement':
      case 'CatchClause':
      case 'ClassExpression':
        return this.scoped(node, () => this.children(node));
      case 'VariableDeclarator':
        this.pattern(node.id, node.init ? this.valueOf(node.init) : NONE, node.init ?? node);
        if (node.init) this.child(node, node.init);
        return;
      case 'AssignmentExpression':
        return this.assignment(node);
      case 'MemberExpression':
        return this.member(node, parent);
      case 'Identifier':
        return this.identifier(node, parent);
      case 'CallExpression':
      case 'NewExpression':
        this.call(node);
        this.escape(node);
        return this.children(node);
      case 'ImportExpression':
        this.importExpression(node);
        this.escape(node);
        return this.children(node);
      case 'ImportDeclaration':
        return this.importDeclaration(node);
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.source) this.loadSpecifier(String(node.source.value), node.source, '*', 'export from');
        if (node.declaration) this.child(node, node.declaration);
        return;
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition':
      case 'AccessorProperty':
        if (node.computed) this.child(node, node.key);
        if (node.value) this.child(node, node.value);
        return;
      case 'LabeledStatement':
        return this.child(node, node.body);
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
      case 'ExportSpecifier':
        return;
      default:
        return this.children(node);
    }
  }

  private children(node: AstNode): void {
    this.parents.push(node);
    for (const key in node) {
      const value = node[key];
      if (value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.walk(item);
      } else if (isNode(value)) this.walk(value);
    }
    this.parents.pop();
  }

  private child(parent: AstNode, node: AstNode): void {
    this.parents.push(parent);
    this.walk(node);
    this.parents.pop();
  }

  private scoped(node: AstNode, body: () => void): void {
    this.scopes.enter(node, false);
    body();
    this.scopes.leave();
  }

  private func(node: AstNode): void {
    this.scopes.enter(node, true);
    this.parents.push(node);
    for (const param of node.params as AstNode[]) this.pattern(param, NONE, param);
    this.walk(node.body);
    this.parents.pop();
    this.scopes.leave();
  }

  /** A binding pattern (declaration, parameter or assignment target) receiving `kinds`. */
  private pattern(target: AstNode, kinds: Kinds, at: AstNode): void {
    switch (target.type) {
      case 'Identifier':
        this.scopes.assign(target.name, kinds);
        return;
      case 'ObjectPattern':
        for (const p of target.properties as AstNode[]) {
          if (p.type === 'RestElement') {
            this.memberUse(kinds, undefined, p, 'rest of');
            this.pattern(p.argument, NONE, p);
            continue;
          }
          if (p.computed) this.child(target, p.key);
          const key = p.computed ? this.constant(p.key) : nameOf(p.key);
          this.memberUse(kinds, key, p.key, 'destructured');
          this.pattern(p.value, memberKinds(kinds, key), p);
        }
        return;
      case 'ArrayPattern':
        for (const e of target.elements as (AstNode | null)[]) if (e) this.pattern(e, NONE, e);
        return;
      case 'AssignmentPattern':
        this.child(target, target.right);
        this.pattern(target.left, [...kinds, ...this.valueOf(target.right)], at);
        return;
      case 'RestElement':
        this.pattern(target.argument, NONE, at);
        return;
      default:
        // A member expression as an assignment target: a write, so only its object and computed key are read.
        if (target.type === 'MemberExpression') {
          this.child(target, target.object);
          if (target.computed) this.child(target, target.property);
        }
    }
  }

  private assignment(node: AstNode): void {
    const left = node.left as AstNode;
    // Constant strings are tracked for declarations only: a later reassignment would make them a guess.
    if (node.operator === '=') this.pattern(left, this.valueOf(node.right).filter((k) => !k.startsWith('=')), node.right);
    else if (left.type === 'Identifier') this.scopes.reference(left.name);
    else this.child(node, left);
    this.child(node, node.right);
  }

  private identifier(node: AstNode, parent: AstNode | undefined): void {
    const binding = this.scopes.reference(node.name);
    if (binding) {
      // Only a binding that holds something (an alias of process, a module...) can escape: most hold nothing.
      if (binding.kinds.size > 0) this.escape(node);
      return;
    }
    const kind = GLOBAL_KINDS[node.name];
    if (kind === undefined || isTypeofOperand(node, parent)) return;
    this.globalUse(kind, node);
    this.escape(node);
  }

  private member(node: AstNode, parent: AstNode | undefined): void {
    this.child(node, node.object);
    if (node.computed) this.child(node, node.property);
    if (isTypeofOperand(node, parent) || (parent?.type === 'UnaryExpression' && parent.operator === 'delete')) return;
    const key = node.computed ? this.constant(node.property) : nameOf(node.property);
    const objectKinds = this.valueOf(node.object);
    const keys = key === undefined && node.computed ? this.constants(node.property) : undefined;
    if (keys) for (const k of keys) this.memberUse(objectKinds, k, node, '');
    else this.memberUse(objectKinds, key, node, node.computed && key === undefined ? 'computed member of' : '');
    if (objectKinds.length === 0 && key !== undefined && FS_WRITE_NAMES.test(key)) this.writeLike.push({ node, name: key });
    // A member of nothing known is nothing known (memberKinds): it cannot escape.
    if (objectKinds.length > 0) this.escape(node);
  }

  private call(node: AstNode): void {
    const callee = this.valueOf(node.callee);
    const args = node.arguments as AstNode[];
    if (callee.includes('Function') || callee.includes('eval')) {
      const name = callee.includes('eval') ? 'eval' : 'Function';
      this.pass.globals.add(name);
      this.sight('eval', node, `${node.type === 'NewExpression' ? 'new ' : ''}${this.excerpt(node.callee)}()`);
      if (args.some((a) => containsDecoder(a))) this.sight('obfuscation', node, `${name} of a decoded string: ${this.excerpt(node)}`);
    }
    if (callee.includes('require') && args.length > 0) this.requireCall(node, args[0]!);
    if (callee.includes('Reflect.get') && args.length >= 2) this.memberUse(this.valueOf(args[0]!), this.constant(args[1]!), node, 'Reflect.get of');
    if ((callee.includes('Reflect.apply') || callee.includes('Reflect.construct')) && args.length > 0) {
      const target = this.valueOf(args[0]!);
      if (target.includes('Function') || target.includes('eval')) this.sight('eval', node, this.excerpt(node));
    }
  }

  private requireCall(call: AstNode, arg: AstNode): void {
    if (arg.type === 'Literal' && typeof arg.value === 'number') return; // browserify's bundle-internal ids
    const spec = this.constant(arg);
    if (spec === undefined) {
      this.pass.globals.add('require()');
      this.computedLoad ??= `require(${this.excerpt(arg)})`;
      this.sight('dynamic-import', call, `require(${this.excerpt(arg)})`);
      return;
    }
    this.loadSpecifier(spec, arg, undefined, 'require');
  }

  private importExpression(node: AstNode): void {
    const spec = this.constant(node.source);
    if (spec !== undefined) {
      this.loadSpecifier(spec, node.source, undefined, 'import()');
      return;
    }
    this.pass.globals.add('import()');
    this.computedLoad ??= `import(${this.excerpt(node.source)})`;
    this.sight('dynamic-import', node, `import(${this.excerpt(node.source)})`);
  }

  private importDeclaration(node: AstNode): void {
    const spec = String(node.source.value);
    if (node.importKind === 'type') return;
    const module = builtinName(spec);
    if (module === undefined) {
      this.specifiers.add(spec);
      return;
    }
    const moduleKinds = moduleKindsOf(module);
    this.loadSpecifier(spec, node.source, undefined, 'import');
    for (const s of node.specifiers as AstNode[]) {
      if (s.importKind === 'type') continue;
      if (s.type === 'ImportSpecifier') {
        const imported = nameOf(s.imported);
        this.memberUse(moduleKinds, imported, s, 'import of');
        this.scopes.assign(s.local.name, memberKinds(moduleKinds, imported));
      } else this.scopes.assign(s.local.name, moduleKinds);
    }
  }

  /** A module loaded by a static specifier: a built-in is recorded (member "*" = the whole module escapes), anything else followed. */
  private loadSpecifier(spec: string, at: AstNode, member: string | undefined, how: string): void {
    const module = builtinName(spec);
    if (module === undefined) {
      this.specifiers.add(spec);
      return;
    }
    if (member === '*') this.record(module, '*', at, `${how} "${spec}" (whole module)`);
    else if (!this.pass.builtins.has(module)) this.pass.builtins.set(module, new Set());
  }

  // ---- values ----

  /** What `node` may evaluate to (see Kind). */
  private valueOf(node: AstNode): Kinds {
    switch (node.type) {
      case 'Identifier': {
        const binding = this.scopes.reference(node.name);
        if (binding) return [...binding.kinds];
        const kind = GLOBAL_KINDS[node.name];
        return kind ? [kind] : NONE;
      }
      case 'MemberExpression':
        return memberKinds(this.valueOf(node.object), node.computed ? this.constant(node.property) : nameOf(node.property));
      case 'ChainExpression':
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
        return this.valueOf(node.expression);
      case 'AwaitExpression':
        return this.valueOf(node.argument);
      case 'LogicalExpression':
        return union(this.valueOf(node.left), this.valueOf(node.right));
      case 'ConditionalExpression':
        return union(this.valueOf(node.consequent), this.valueOf(node.alternate));
      case 'SequenceExpression':
        return this.valueOf(node.expressions[node.expressions.length - 1]);
      case 'AssignmentExpression':
        return this.valueOf(node.right);
      case 'ImportExpression': {
        const module = builtinName(this.constant(node.source) ?? '');
        return module ? moduleKindsOf(module) : NONE;
      }
      case 'Literal':
      case 'TemplateLiteral':
      case 'BinaryExpression': {
        const value = this.constant(node);
        return value === undefined ? NONE : [`=${value}`];
      }
      case 'CallExpression':
        return this.callValue(node);
      default:
        return NONE;
    }
  }

  private callValue(node: AstNode): Kinds {
    const callee = this.valueOf(node.callee);
    const args = node.arguments as AstNode[];
    if (callee.length === 0) {
      // Interop helpers return the module they were given.
      return interopName(node.callee) && args[0] ? this.valueOf(args[0]) : NONE;
    }
    if (callee.includes('require') && args[0]) {
      const module = builtinName(this.constant(args[0]) ?? '');
      return module ? moduleKindsOf(module) : NONE;
    }
    if (callee.includes('createRequire')) return ['require'];
    if (callee.includes('Reflect.get') && args.length >= 2) return memberKinds(this.valueOf(args[0]!), this.constant(args[1]!));
    if (callee.includes('Function') && args.length === 1 && /^\s*return\s+this\s*;?\s*$/.test(this.constant(args[0]!) ?? '')) return ['global'];
    return NONE;
  }

  /** A string the expression always evaluates to: literals, `+` of constants, constant bindings. */
  private constant(node: AstNode): string | undefined {
    if (node.type === 'Literal') return typeof node.value === 'string' ? node.value : typeof node.value === 'number' ? String(node.value) : undefined;
    if (node.type === 'TemplateLiteral') {
      let out = node.quasis[0]?.value?.cooked ?? '';
      for (let i = 0; i < node.expressions.length; i++) {
        const part = this.constant(node.expressions[i]);
        if (part === undefined) return undefined;
        out += part + (node.quasis[i + 1]?.value?.cooked ?? '');
      }
      return out;
    }
    if (node.type === 'BinaryExpression' && node.operator === '+') {
      const left = this.constant(node.left);
      const right = left === undefined ? undefined : this.constant(node.right);
      return right === undefined ? undefined : left! + right;
    }
    if (node.type === 'Identifier') {
      const constants = this.scopes.reference(node.name)?.kinds;
      if (!constants) return undefined;
      const values = [...constants].filter((k) => k.startsWith('='));
      return values.length === 1 && constants.size === 1 ? values[0]!.slice(1) : undefined;
    }
    return undefined;
  }

  /** The constant strings a binding may hold, when it holds nothing else (a loop over a literal list). */
  private constants(node: AstNode): string[] | undefined {
    if (node.type !== 'Identifier') return undefined;
    const kinds = this.scopes.reference(node.name)?.kinds;
    if (!kinds || kinds.size === 0 || ![...kinds].every((k) => k.startsWith('='))) return undefined;
    return [...kinds].map((k) => k.slice(1));
  }

  // ---- uses ----

  /** Reading member `key` (undefined: computed or unknown) of a value of `kinds`. */
  private memberUse(kinds: Kinds, key: string | undefined, at: AstNode, how: string): void {
    for (const kind of kinds) {
      if (kind === 'env') {
        this.pass.globals.add('process.env');
        this.envRead(key ?? '*', at, key === undefined ? `process.env (${how || 'computed'} name: ${this.excerpt(at)})` : `process.env.${key}`);
      } else if (kind === 'process' && key !== undefined && NATIVE_MEMBERS.has(key)) {
        this.sight('native', at, `process.${key}`);
      } else if (kind === 'process' && key === undefined && how) {
        this.sight('native', at, `process (${how} an unknown member: ${this.excerpt(at)})`);
      } else if (kind.startsWith('builtin:') && key !== 'default') {
        const module = kind.slice(8);
        if (module === 'fs' && key === 'promises') continue; // the member below decides
        this.record(module, key ?? '*computed', at, key === undefined ? `${module}[${this.excerpt(at)}] (${how || 'computed'} member)` : `${module}.${key}`);
      } else if (kind === 'global' && key !== undefined && GLOBAL_OBJECT_MEMBERS.has(key)) {
        this.globalUse(GLOBAL_KINDS[key]!, at);
      }
    }
  }

  /** A free global referenced: network and WebAssembly globals count wherever they are used. */
  private globalUse(kind: Kind, at: AstNode): void {
    if (kind.startsWith('net:')) {
      this.pass.globals.add(kind.slice(4));
      this.sight('net', at, kind.slice(4));
    } else if (kind === 'wasm') {
      this.pass.globals.add('WebAssembly');
      this.sight('wasm', at, 'WebAssembly');
    }
  }

  /** Where a value of interest flows on as a whole (argument, spread, returned, stored), its every member may be used. */
  private escape(node: AstNode): void {
    let kinds: Kinds | undefined;
    let child = node;
    for (let i = this.parents.length - 1; i >= 0; i--) {
      const parent = this.parents[i]!;
      if (PASS_THROUGH.has(parent.type)) {
        if (parent.type === 'ConditionalExpression' && parent.test === child) return;
        if (parent.type === 'SequenceExpression' && parent.expressions[parent.expressions.length - 1] !== child) return;
        if (parent.type === 'LogicalExpression' && parent.left === child && parent.operator === '&&') return;
        child = parent;
        continue;
      }
      if (!escapesInto(parent, child)) return;
      kinds ??= this.valueOf(node);
      if (kinds.length === 0) return;
      if (parent.type === 'BinaryExpression') {
        // `"NAME" in process.env`: a check for one name.
        const name = this.constant(parent.left);
        if (kinds.includes('env')) this.envRead(name ?? '*', parent, name === undefined ? `process.env (names tested with \`in\`: ${this.excerpt(parent)})` : `"${name}" in process.env`);
        return;
      }
      if (parent.type === 'CallExpression' && (interopName(parent.callee) || this.valueOf(parent.callee).some((k) => k.startsWith('Reflect.')))) return;
      const where = describeEscape(parent);
      for (const kind of kinds) {
        if (kind === 'env') this.envRead('*', node, `process.env (whole object ${where}: ${this.excerpt(parent)})`);
        else if (kind.startsWith('builtin:')) {
          if (kind === 'builtin:fs' || kind === 'builtin:fs/promises') this.fsHandedOn ??= node;
          this.record(kind.slice(8), '*', node, `${kind.slice(8)} (whole module ${where})`);
        }
        else if (kind === 'eval' && !(parent.type === 'CallExpression' && parent.callee === child)) this.sight('eval', node, `eval (${where})`);
      }
      return;
    }
  }

  private envRead(name: string, at: AstNode, detail: string): void {
    this.pass.globals.add('process.env');
    this.pass.envNames.add(name);
    this.sight('env', at, detail);
  }

  /** A built-in member used ("*": the whole module; "*computed": an unknown member). */
  private record(module: string, member: string, at: AstNode, detail: string): void {
    const members = this.pass.builtins.get(module) ?? new Set();
    members.add(member === '*computed' ? '*' : member);
    this.pass.builtins.set(module, members);
    const capabilities: Capability[] = member === '*computed' ? builtinCapabilities(module, undefined) : builtinCapabilities(module, member === '*' ? '*' : member);
    for (const capability of capabilities) this.sight(capability, at, detail);
  }

  private sight(capability: Capability, node: AstNode, detail: string): void {
    const { line, column } = this.lines.locate(node.start);
    this.pass.sightings.push({ capability, line, column, detail });
  }

  private excerpt(node: AstNode): string {
    const text = this.text.slice(node.start, node.end).replace(/\s+/g, ' ');
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
}

/** What a member of a value is: `process.env` is env, `globalThis.process` is process, `Function.apply` is Function... */
function memberKinds(kinds: Kinds, key: string | undefined): Kinds {
  if (key === undefined || kinds.length === 0) return NONE;
  const out: Kind[] = [];
  for (const kind of kinds) {
    if (kind === 'global' && GLOBAL_OBJECT_MEMBERS.has(key)) out.push(GLOBAL_KINDS[key]!);
    else if (kind === 'process') {
      if (key === 'env') out.push('env');
      else if (key === 'mainModule') out.push('module');
      else if (key === 'getBuiltinModule') out.push('require');
    } else if (kind === 'module' && key === 'require') out.push('require');
    else if ((kind === 'Function' || kind === 'eval' || kind === 'require') && (key === 'apply' || key === 'call' || key === 'bind')) out.push(kind);
    else if (kind === 'Reflect' && (key === 'get' || key === 'apply' || key === 'construct')) out.push(`Reflect.${key}`);
    else if (kind.startsWith('builtin:')) {
      const module = kind.slice(8);
      if (key === 'default') out.push(kind);
      else if (module === 'fs' && key === 'promises') out.push('builtin:fs/promises');
      else if (module === 'module' && key === 'createRequire') out.push('createRequire');
    }
  }
  return out;
}

function moduleKindsOf(module: string): Kinds {
  return module === 'process' ? ['process'] : [`builtin:${module}`];
}

function union(a: Kinds, b: Kinds): Kinds {
  return a.length === 0 ? b : b.length === 0 ? a : [...new Set([...a, ...b])];
}

/** Whether a value in `child` position flows out through `parent` as a whole. */
function escapesInto(parent: AstNode, child: AstNode): boolean {
  switch (parent.type) {
    case 'CallExpression':
    case 'NewExpression':
      return parent.callee !== child;
    case 'SpreadElement':
    case 'ArrayExpression':
    case 'ReturnStatement':
    case 'ExportDefaultDeclaration':
    case 'YieldExpression':
    case 'TemplateLiteral':
      return true;
    case 'Property':
      return parent.value === child;
    case 'ArrowFunctionExpression':
      return parent.body === child;
    case 'AssignmentExpression':
      return parent.right === child && parent.left.type !== 'Identifier';
    case 'ForInStatement':
    case 'ForOfStatement':
      return parent.right === child;
    case 'BinaryExpression':
      return parent.operator === 'in' && parent.right === child;
    default:
      return false;
  }
}

function describeEscape(parent: AstNode): string {
  switch (parent.type) {
    case 'CallExpression':
    case 'NewExpression':
      return 'passed to a call';
    case 'ForInStatement':
    case 'ForOfStatement':
      return 'iterated';
    case 'SpreadElement':
      return 'spread';
    case 'ReturnStatement':
    case 'ArrowFunctionExpression':
      return 'returned';
    default:
      return 'stored or passed on';
  }
}

function interopName(callee: AstNode): boolean {
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && !callee.computed ? callee.property.name : undefined;
  return typeof name === 'string' && INTEROP.test(name);
}

function isTypeofOperand(node: AstNode, parent: AstNode | undefined): boolean {
  return parent?.type === 'UnaryExpression' && parent.operator === 'typeof';
}

function isFunction(node: AstNode): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

function isNode(value: unknown): value is AstNode {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

function nameOf(node: AstNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  return undefined;
}

const DECODERS = new Set(['atob', 'unescape', 'decodeURIComponent', 'decodeURI', 'fromCharCode', 'from']);

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
