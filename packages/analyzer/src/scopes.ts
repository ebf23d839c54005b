import type { AstNode } from './ast-node.ts';

/** One declared name: what values it may hold (see FileVisitor's kinds), and whether this pass read it yet. */
export interface Binding {
  kinds: Set<string>;
  readInPass: number;
}

/**
 * Lexical scopes of one file: `var` and function declarations hoist to the nearest function, `let`,
 * `const` and `class` stay in their block. Bindings live in `store` keyed by the scope's node, so a
 * second pass over the same AST sees what the first one learned.
 */
export class Scopes {
  private readonly stack: Map<string, Binding>[] = [];
  private pass: number;
  private static passes = 0;

  constructor(
    private readonly store: Map<AstNode, Map<string, Binding>>,
    private readonly onGrowthAfterRead: () => void,
  ) {
    this.pass = ++Scopes.passes;
  }

  /** Enters the scope of `node` (a function or the program when `isFunction`, else a block-like node). */
  enter(node: AstNode, isFunction: boolean): void {
    let names = this.store.get(node);
    if (!names) {
      names = new Map();
      const declare = (name: string): void => {
        if (!names!.has(name)) names!.set(name, { kinds: new Set(), readInPass: 0 });
      };
      if (isFunction) declareFunctionScope(node, declare);
      else declareBlockScope(node, declare);
      this.store.set(node, names);
    }
    this.stack.push(names);
  }

  leave(): void {
    this.stack.pop();
  }

  /** The binding a name refers to here; undefined for a free (global) name. */
  reference(name: string): Binding | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const binding = this.stack[i]!.get(name);
      if (binding) {
        binding.readInPass = this.pass;
        return binding;
      }
    }
    return undefined;
  }

  /** Adds possible values to the binding `name` refers to (a free name is a global: not tracked). */
  assign(name: string, kinds: readonly string[]): void {
    if (kinds.length === 0) return;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const binding = this.stack[i]!.get(name);
      if (!binding) continue;
      const before = binding.kinds.size;
      for (const k of kinds) binding.kinds.add(k);
      if (binding.kinds.size !== before && binding.readInPass === this.pass) this.onGrowthAfterRead();
      return;
    }
  }
}

type Declare = (name: string) => void;

function declareFunctionScope(node: AstNode, declare: Declare): void {
  if (node.type === 'Program') {
    hoistVars(node.body, declare);
    lexical(node.body, declare);
    return;
  }
  if (node.type === 'FunctionExpression' && node.id) declare(node.id.name);
  if (node.type !== 'ArrowFunctionExpression') declare('arguments');
  for (const param of node.params as AstNode[]) patternNames(param, declare);
  if (node.body?.type === 'BlockStatement') {
    hoistVars(node.body.body, declare);
    lexical(node.body.body, declare);
  }
}

function declareBlockScope(node: AstNode, declare: Declare): void {
  switch (node.type) {
    case 'BlockStatement':
    case 'StaticBlock':
      return lexical(node.body, declare);
    case 'SwitchStatement':
      for (const c of node.cases as AstNode[]) lexical(c.consequent, declare);
      return;
    case 'ForStatement':
      if (node.init?.type === 'VariableDeclaration' && node.init.kind !== 'var') lexical([node.init], declare);
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      if (node.left?.type === 'VariableDeclaration' && node.left.kind !== 'var') lexical([node.left], declare);
      return;
    case 'CatchClause':
      if (node.param) patternNames(node.param, declare);
      return;
    case 'ClassExpression':
      if (node.id) declare(node.id.name);
      return;
  }
}

/** `let`, `const`, `class`, function and import declarations directly in a statement list. */
function lexical(statements: AstNode[], declare: Declare): void {
  for (let s of statements) {
    if ((s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration') && s.declaration) s = s.declaration;
    if (s.type === 'VariableDeclaration' && s.kind !== 'var') for (const d of s.declarations as AstNode[]) patternNames(d.id, declare);
    else if ((s.type === 'ClassDeclaration' || s.type === 'FunctionDeclaration') && s.id) declare(s.id.name);
    else if (s.type === 'ImportDeclaration') for (const spec of s.specifiers as AstNode[]) declare(spec.local.name);
  }
}

/** `var` and function declarations anywhere in a function body, not inside nested functions. */
function hoistVars(statements: (AstNode | null | undefined)[], declare: Declare): void {
  for (const s of statements) {
    if (!s) continue;
    switch (s.type) {
      case 'VariableDeclaration':
        if (s.kind === 'var') for (const d of s.declarations as AstNode[]) patternNames(d.id, declare);
        break;
      case 'FunctionDeclaration':
        if (s.id) declare(s.id.name);
        break;
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
        hoistVars([s.declaration], declare);
        break;
      case 'BlockStatement':
      case 'StaticBlock':
        hoistVars(s.body, declare);
        break;
      case 'IfStatement':
        hoistVars([s.consequent, s.alternate], declare);
        break;
      case 'ForStatement':
        hoistVars([s.init, s.body], declare);
        break;
      case 'ForInStatement':
      case 'ForOfStatement':
        hoistVars([s.left, s.body], declare);
        break;
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'LabeledStatement':
      case 'WithStatement':
        hoistVars([s.body], declare);
        break;
      case 'TryStatement':
        hoistVars([s.block, s.handler?.body, s.finalizer], declare);
        break;
      case 'SwitchStatement':
        for (const c of s.cases as AstNode[]) hoistVars(c.consequent, declare);
        break;
    }
  }
}

function patternNames(pattern: AstNode | null | undefined, declare: Declare): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier':
      return declare(pattern.name);
    case 'ObjectPattern':
      for (const p of pattern.properties as AstNode[]) patternNames(p.type === 'RestElement' ? p.argument : p.value, declare);
      return;
    case 'ArrayPattern':
      for (const e of pattern.elements as (AstNode | null)[]) patternNames(e, declare);
      return;
    case 'AssignmentPattern':
      return patternNames(pattern.left, declare);
    case 'RestElement':
      return patternNames(pattern.argument, declare);
    case 'TSParameterProperty':
      return patternNames(pattern.parameter, declare);
  }
}
