/**
 * What an expression refers to, followed through local aliases, destructuring, `require`, ESM and CommonJS imports
 * and exports across workspace files: a global (`Date.now`), a member of a package or built-in module
 * (`crypto.randomUUID`, `durable-functions` `app.orchestration`), a function or object literal somewhere in the
 * workspace, or an opaque local value. Calls into a package yield a "derived" reference (`new Pool().query` is in
 * `pg`), so clients created from a banned module are recognised too. Classes of the workspace resolve too: their
 * static members, the members of `new X()` and of `this` inside them (classMembers.ts), inherited ones included.
 */
import * as ts from 'typescript';
import { baseClassExpression, objectGetter, ownMember, thisBinding, type ClassLike } from './classMembers.js';
import { lookup, moduleDecl, type Decl } from './scopes.js';
import {
  isFunctionNode,
  isRelativeSpecifier,
  memberAccess,
  normalizeModule,
  propertyName,
  requireSpecifier,
  unwrap,
  type FunctionNode,
} from './syntax.js';
import type { SourceInfo, Workspace } from './workspace.js';

export type Sym =
  /** An unshadowed global and members: `['Date', 'now']`. */
  | { readonly kind: 'global'; readonly path: readonly string[] }
  /** A package or built-in module and members; `()` in the path marks a call result. */
  | { readonly kind: 'external'; readonly module: string; readonly path: readonly string[] }
  | { readonly kind: 'function'; readonly fn: FunctionNode; readonly file: SourceInfo }
  | { readonly kind: 'object'; readonly node: ts.ObjectLiteralExpression; readonly file: SourceInfo }
  /** A class of the workspace (its static members), and an instance of one (`new X()`, `this` in its methods). */
  | { readonly kind: 'class'; readonly node: ClassLike; readonly file: SourceInfo }
  | { readonly kind: 'instance'; readonly node: ClassLike; readonly file: SourceInfo }
  /** A workspace module's exports (`import * as x from './x'`). */
  | { readonly kind: 'namespace'; readonly file: SourceInfo }
  /** A local value the resolver cannot see through (a parameter, a `let` without initializer, a call result). */
  | { readonly kind: 'opaque'; readonly decl?: Decl };

const MAX_DEPTH = 24;
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

/** Stands for "a relative import that did not resolve" among the files a resolution depends on. */
export const UNRESOLVED = '\0unresolved';

export class Resolver {
  private touched: Set<string> | undefined;

  constructor(private readonly workspace: Workspace) {}

  /** Runs `work`, collecting the workspace files its resolutions looked into (what its result depends on). */
  tracking<T>(work: () => T): { value: T; files: ReadonlySet<string> } {
    const outer = this.touched;
    const files = new Set<string>();
    this.touched = files;
    try {
      return { value: work(), files };
    } finally {
      this.touched = outer;
      if (outer) for (const file of files) outer.add(file);
    }
  }

  private touch(file: string | undefined): void {
    this.touched?.add(file ?? UNRESOLVED);
  }

  /** The source a node belongs to (nodes of files the workspace parsed). */
  sourceOf(node: ts.Node): SourceInfo | undefined {
    return this.workspace.source(node.getSourceFile().fileName);
  }

  resolve(expr: ts.Expression, depth = 0): Sym | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = unwrap(expr);
    if (ts.isIdentifier(node)) return this.identifier(node, depth);
    if (isFunctionNode(node)) return this.withFile(node, (file) => ({ kind: 'function', fn: node, file }));
    if (ts.isObjectLiteralExpression(node)) return this.withFile(node, (file) => ({ kind: 'object', node, file }));
    if (ts.isClassExpression(node)) return this.withFile(node, (file) => ({ kind: 'class', node, file }));
    if (node.kind === ts.SyntaxKind.ThisKeyword) return this.thisValue(node, depth);
    if (node.kind === ts.SyntaxKind.SuperKeyword) return this.superValue(node, depth);
    const access = memberAccess(node);
    if (access) {
      const base = this.resolve(access.object, depth + 1);
      return base && this.member(base, access.name, depth + 1);
    }
    if (ts.isCallExpression(node)) {
      const specifier = requireSpecifier(node);
      if (specifier !== undefined && !lookup(node.expression as ts.Identifier)) {
        return this.module(node, specifier, '=', depth + 1);
      }
      const bound = this.boundFunction(node, depth);
      if (bound) return bound;
      return this.callResult(node.expression, depth);
    }
    if (ts.isNewExpression(node)) {
      const target = this.resolve(node.expression, depth + 1);
      if (target?.kind === 'class') return { kind: 'instance', node: target.node, file: target.file };
      return target?.kind === 'external'
        ? { kind: 'external', module: target.module, path: [...target.path, '()'] }
        : undefined;
    }
    if (ts.isAwaitExpression(node)) {
      const inner = this.resolve(node.expression, depth + 1);
      return inner?.kind === 'external' ? inner : undefined;
    }
    return undefined;
  }

  /** Calls of package members produce derived package references; anything else is unknown. */
  private callResult(callee: ts.Expression, depth: number): Sym | undefined {
    const target = this.resolve(callee, depth + 1);
    if (target?.kind === 'external') return { kind: 'external', module: target.module, path: [...target.path, '()'] };
    return undefined;
  }

  /** `f.bind(...)` is `f` as far as what runs is concerned. */
  private boundFunction(call: ts.CallExpression, depth: number): Sym | undefined {
    const access = memberAccess(unwrap(call.expression));
    if (access?.name !== 'bind') return undefined;
    const target = this.resolve(access.object, depth + 1);
    return target?.kind === 'function' ? target : undefined;
  }

  private thisValue(node: ts.Node, depth: number): Sym | undefined {
    const binding = thisBinding(node);
    if (!binding) return undefined;
    if (binding.kind === 'object') return this.resolve(binding.node, depth + 1);
    const cls = binding.cls;
    return this.withFile(cls, (file) => ({ kind: binding.statics ? 'class' : 'instance', node: cls, file }));
  }

  /** `super` in a class member: the base class, or the instance seen as one of the base class. */
  private superValue(node: ts.Node, depth: number): Sym | undefined {
    const binding = thisBinding(node);
    if (binding?.kind !== 'class') return undefined;
    const base = this.baseClass(binding.cls, depth + 1);
    if (!base) return undefined;
    return binding.statics ? base : { kind: 'instance', node: base.node, file: base.file };
  }

  private baseClass(cls: ClassLike, depth: number): Extract<Sym, { kind: 'class' }> | undefined {
    const expr = baseClassExpression(cls);
    const base = expr && this.resolve(expr, depth + 1);
    return base?.kind === 'class' ? base : undefined;
  }

  private withFile(node: ts.Node, make: (file: SourceInfo) => Sym): Sym | undefined {
    const file = this.sourceOf(node);
    this.touch(file?.path);
    return file && make(file);
  }

  private identifier(id: ts.Identifier, depth: number): Sym | undefined {
    if (id.text === 'undefined') return undefined;
    const decl = lookup(id);
    if (!decl) return { kind: 'global', path: GLOBAL_OBJECTS.has(id.text) ? [] : [id.text] };
    return this.declaration(decl, depth);
  }

  /** The value a declaration binds. */
  declaration(decl: Decl, depth: number): Sym | undefined {
    if (depth > MAX_DEPTH) return undefined;
    switch (decl.kind) {
      case 'import':
        return decl.imported && this.module(decl.node, decl.imported.specifier, decl.imported.name, depth + 1);
      case 'function':
        return isFunctionNode(decl.node)
          ? this.withFile(decl.node, (file) => ({ kind: 'function', fn: decl.node as FunctionNode, file }))
          : undefined;
      case 'var':
      case 'let':
      case 'const': {
        const declaration = decl.node;
        if (!ts.isVariableDeclaration(declaration) || !declaration.initializer || !decl.path)
          return { kind: 'opaque', decl };
        let sym = this.resolve(declaration.initializer, depth + 1);
        for (const name of decl.path) sym = sym && this.member(sym, name, depth + 1);
        return sym ?? { kind: 'opaque', decl };
      }
      case 'class':
        return ts.isClassDeclaration(decl.node) || ts.isClassExpression(decl.node)
          ? this.withFile(decl.node, (file) => ({ kind: 'class', node: decl.node as ClassLike, file }))
          : { kind: 'opaque', decl };
      case 'param':
      case 'catch':
      case 'other':
        return { kind: 'opaque', decl };
    }
  }

  member(base: Sym, name: string, depth: number): Sym | undefined {
    switch (base.kind) {
      case 'global':
        return { kind: 'global', path: [...base.path, name] };
      case 'external':
        return { kind: 'external', module: base.module, path: [...base.path, name] };
      case 'object':
        return this.objectMember(base.node, name, depth + 1);
      case 'namespace':
        return this.exportOf(base.file, name, depth + 1);
      case 'class':
      case 'instance':
        return this.classMember(base.node, name, base.kind === 'class', depth + 1);
      case 'function':
      case 'opaque':
        return undefined;
    }
  }

  /** A member of a class (static) or of its instances, inherited ones included; getters give undefined. */
  private classMember(cls: ClassLike, name: string, statics: boolean, depth: number): Sym | undefined {
    for (let current: ClassLike | undefined = cls; current && depth <= MAX_DEPTH; depth++) {
      const member = ownMember(current, name, statics);
      if (member?.kind === 'method') {
        const fn = member.fn;
        return this.withFile(fn, (file) => ({ kind: 'function', fn, file }));
      }
      if (member?.kind === 'value') return this.resolve(member.expr, depth + 1);
      if (member) return undefined;
      current = this.baseClass(current, depth + 1)?.node;
    }
    return undefined;
  }

  /** The getter that reading `expr` (`x.name`, `this.name`) runs, when `x` is a class, an instance or an object. */
  getterOf(expr: ts.Expression): { fn: FunctionNode; file: SourceInfo } | undefined {
    const access = memberAccess(unwrap(expr));
    if (!access) return undefined;
    const base = this.resolve(access.object);
    let getter: ts.GetAccessorDeclaration | undefined;
    if (base?.kind === 'object') getter = objectGetter(base.node, access.name);
    else if (base?.kind === 'class' || base?.kind === 'instance') {
      let current: ClassLike | undefined = base.node;
      for (let depth = 0; current && depth <= MAX_DEPTH && !getter; depth++) {
        const member = ownMember(current, access.name, base.kind === 'class');
        if (member) {
          if (member.kind === 'getter') getter = member.fn;
          break;
        }
        current = this.baseClass(current, depth + 1)?.node;
      }
    }
    const fn = getter;
    const file = fn && this.sourceOf(fn);
    this.touch(file?.path);
    return fn && file ? { fn, file } : undefined;
  }

  private objectMember(node: ts.ObjectLiteralExpression, name: string, depth: number): Sym | undefined {
    for (const property of [...node.properties].reverse()) {
      if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) {
        return this.resolve(property.name, depth + 1);
      }
      if (!ts.isSpreadAssignment(property) && property.name && propertyName(property.name) === name) {
        if (ts.isPropertyAssignment(property)) return this.resolve(property.initializer, depth + 1);
        if (ts.isMethodDeclaration(property))
          return this.withFile(property, (file) => ({ kind: 'function', fn: property, file }));
        return undefined;
      }
    }
    return undefined;
  }

  /**
   * What `import`/`require` of `specifier` from `from`'s file gives: `name` is `default`, `*` (namespace), `=` (the
   * module object, as `require` returns it) or an export name.
   */
  private module(from: ts.Node, specifier: string, name: string, depth: number): Sym | undefined {
    if (!isRelativeSpecifier(specifier)) {
      const path = name === 'default' || name === '*' || name === '=' ? [] : [name];
      return { kind: 'external', module: normalizeModule(specifier), path };
    }
    const target = this.workspace.resolveModule(from.getSourceFile().fileName, specifier);
    const file = target === undefined ? undefined : this.workspace.source(target);
    this.touch(file?.path);
    if (!file) return undefined;
    if (name === '*') return { kind: 'namespace', file };
    if (name === '=') return this.commonJsExports(file, depth + 1) ?? { kind: 'namespace', file };
    if (name === 'default') return this.exportOf(file, 'default', depth + 1) ?? this.commonJsExports(file, depth + 1);
    return this.exportOf(file, name, depth + 1);
  }

  /** `module.exports = value` (or TypeScript's `export = value`): the module object, if assigned whole. */
  private commonJsExports(file: SourceInfo, depth: number): Sym | undefined {
    for (const statement of file.sf.statements) {
      if (ts.isExportAssignment(statement) && statement.isExportEquals)
        return this.resolve(statement.expression, depth + 1);
      const assigned = assignment(statement);
      if (assigned && isModuleExports(assigned.target)) return this.resolve(assigned.value, depth + 1);
    }
    return undefined;
  }

  /** An export of a workspace file by name, ESM or CommonJS, following re-exports. */
  exportOf(file: SourceInfo, name: string, depth: number): Sym | undefined {
    if (depth > MAX_DEPTH) return undefined;
    this.touch(file.path);
    const stars: string[] = [];
    for (const statement of file.sf.statements) {
      const found = this.exportIn(statement, file, name, stars, depth);
      if (found) return found;
    }
    const whole = this.commonJsExports(file, depth + 1);
    if (whole) {
      const viaObject = this.member(whole, name, depth + 1);
      if (viaObject) return viaObject;
    }
    for (const specifier of stars) {
      const target = this.workspace.resolveModule(file.path, specifier);
      const next = target === undefined ? undefined : this.workspace.source(target);
      this.touch(next?.path);
      const found = next && this.exportOf(next, name, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  private exportIn(statement: ts.Statement, file: SourceInfo, name: string, stars: string[], depth: number) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    const exported = modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    const isDefault = modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;
    if (exported && (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement))) {
      const exportName = isDefault ? 'default' : statement.name?.text;
      if (exportName !== name) return undefined;
      return ts.isFunctionDeclaration(statement)
        ? ({ kind: 'function', fn: statement, file } as const)
        : ({ kind: 'class', node: statement, file } as const);
    }
    if (exported && ts.isEnumDeclaration(statement)) {
      const decl = statement.name.text === name ? moduleDecl(file.sf, name) : undefined;
      return decl && ({ kind: 'opaque', decl } as const);
    }
    if (exported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === name) {
          const decl = moduleDecl(file.sf, name);
          return decl && this.declaration(decl, depth + 1);
        }
      }
      return undefined;
    }
    if (ts.isExportAssignment(statement) && !statement.isExportEquals && name === 'default') {
      return this.resolve(statement.expression, depth + 1);
    }
    if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
      const specifier =
        statement.moduleSpecifier && ts.isStringLiteralLike(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (!statement.exportClause) {
        if (specifier) stars.push(specifier);
        return undefined;
      }
      if (!ts.isNamedExports(statement.exportClause)) {
        return statement.exportClause.name.text === name && specifier
          ? this.module(statement, specifier, '*', depth + 1)
          : undefined;
      }
      for (const element of statement.exportClause.elements) {
        if (element.name.text !== name) continue;
        const local = (element.propertyName ?? element.name).text;
        if (specifier) return this.module(statement, specifier, local, depth + 1);
        const decl = moduleDecl(file.sf, local);
        return decl && this.declaration(decl, depth + 1);
      }
      return undefined;
    }
    const assigned = assignment(statement);
    if (assigned) {
      const target = memberAccess(assigned.target);
      if (target && target.name === name && (isModuleExports(target.object) || isExportsObject(target.object))) {
        return this.resolve(assigned.value, depth + 1);
      }
    }
    return undefined;
  }

  /** The workspace file a relative specifier in `from`'s file names, if it exists. */
  moduleSource(from: ts.Node, specifier: string): SourceInfo | undefined {
    if (!isRelativeSpecifier(specifier)) return undefined;
    const target = this.workspace.resolveModule(from.getSourceFile().fileName, specifier);
    const file = target === undefined ? undefined : this.workspace.source(target);
    this.touch(file?.path);
    return file;
  }

  /** The function an expression denotes, if it is one the linter can see. */
  functionOf(expr: ts.Expression): { fn: FunctionNode; file: SourceInfo } | undefined {
    const sym = this.resolve(expr);
    return sym?.kind === 'function' ? { fn: sym.fn, file: sym.file } : undefined;
  }
}

function assignment(statement: ts.Statement): { target: ts.Expression; value: ts.Expression } | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const expr = unwrap(statement.expression);
  if (!ts.isBinaryExpression(expr) || expr.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  return { target: unwrap(expr.left), value: expr.right };
}

function isModuleExports(expr: ts.Expression): boolean {
  const access = memberAccess(unwrap(expr));
  return !!access && access.name === 'exports' && isIdentifierNamed(access.object, 'module');
}

function isExportsObject(expr: ts.Expression): boolean {
  return isIdentifierNamed(expr, 'exports');
}

function isIdentifierNamed(expr: ts.Expression, name: string): boolean {
  const node = unwrap(expr);
  return ts.isIdentifier(node) && node.text === name && !lookup(node);
}
