/**
 * Name resolution without a type checker: which declaration an identifier refers to, by walking up the scopes that
 * enclose it (blocks, functions with their parameters and hoisted `var`s, catch clauses, loops, the module). An
 * identifier with no declaration is a global. Scope tables are built lazily and cached per node (a re-parsed file
 * has new nodes, so stale tables are simply never asked again).
 */
import * as ts from 'typescript';
import { isFunctionNode } from './syntax.js';

export type DeclKind = 'var' | 'let' | 'const' | 'function' | 'class' | 'param' | 'import' | 'catch' | 'other';

export interface ImportInfo {
  readonly specifier: string;
  /** `default`, `*` (namespace), `=` (`import x = require()`: the module object) or the imported name. */
  readonly name: string;
}

export interface Decl {
  readonly kind: DeclKind;
  readonly name: ts.Identifier;
  /** VariableDeclaration, ParameterDeclaration, FunctionDeclaration, ClassDeclaration, ImportDeclaration, ... */
  readonly node: ts.Node;
  /**
   * For a name bound by destructuring, the property path from the declaration's value to it (`const { a: { b } } = x`
   * gives `['a', 'b']`); `[]` for a plain name; undefined when not a plain property path (rest, array elements).
   */
  readonly path: readonly string[] | undefined;
  /** The node whose scope holds the name: the SourceFile for module-level names. */
  readonly scope: ts.Node;
  readonly imported?: ImportInfo;
}

const tables = new WeakMap<ts.Node, Map<string, Decl>>();

/** The declaration `id` refers to, or undefined for a global (or an unresolvable name). */
export function lookup(id: ts.Identifier): Decl | undefined {
  const name = id.text;
  for (let node: ts.Node | undefined = id.parent; node; node = node.parent) {
    const table = scopeTable(node);
    const decl = table?.get(name);
    if (decl) return decl;
  }
  return undefined;
}

/** A module-level declaration of `sf` by name (what `export { name }` refers to). */
export function moduleDecl(sf: ts.SourceFile, name: string): Decl | undefined {
  return scopeTable(sf)?.get(name);
}

export function isModuleLevel(decl: Decl): boolean {
  return ts.isSourceFile(decl.scope);
}

function scopeTable(node: ts.Node): Map<string, Decl> | undefined {
  // Most ancestors of a reference cannot hold names: skip them by kind before any map look-up.
  if (!mayHoldNames(node)) return undefined;
  const cached = tables.get(node);
  if (cached) return cached;
  const table = buildTable(node);
  if (table) tables.set(node, table);
  return table;
}

/** The kinds `buildTable` can make a table for. */
function mayHoldNames(node: ts.Node): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.SourceFile:
    case ts.SyntaxKind.ClassExpression:
    case ts.SyntaxKind.Block:
    case ts.SyntaxKind.ModuleBlock:
    case ts.SyntaxKind.CaseBlock:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.CatchClause:
      return true;
    default:
      return isFunctionNode(node);
  }
}

function buildTable(node: ts.Node): Map<string, Decl> | undefined {
  if (ts.isSourceFile(node)) {
    const table = new Map<string, Decl>();
    hoistVars(node, node, table);
    addLexical(node.statements, node, table);
    return table;
  }
  if (isFunctionNode(node)) {
    const table = new Map<string, Decl>();
    if (ts.isFunctionExpression(node) && node.name)
      table.set(node.name.text, { kind: 'function', name: node.name, node, path: [], scope: node });
    for (const param of node.parameters) addBinding(param.name, 'param', param, node, [], table);
    if (node.body) hoistVars(node.body, node, table);
    return table;
  }
  if (ts.isClassExpression(node) && node.name) {
    return new Map([[node.name.text, { kind: 'class', name: node.name, node, path: [], scope: node }]]);
  }
  if (ts.isBlock(node) || ts.isModuleBlock(node)) {
    const table = new Map<string, Decl>();
    addLexical(node.statements, node, table);
    return table;
  }
  if (ts.isCaseBlock(node)) {
    const table = new Map<string, Decl>();
    for (const clause of node.clauses) addLexical(clause.statements, node, table);
    return table;
  }
  if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
    const init = node.initializer;
    if (!init || !ts.isVariableDeclarationList(init) || !isBlockScoped(init)) return undefined;
    const table = new Map<string, Decl>();
    for (const decl of init.declarations) addBinding(decl.name, listKind(init), decl, node, [], table);
    return table;
  }
  if (ts.isCatchClause(node) && node.variableDeclaration) {
    const table = new Map<string, Decl>();
    addBinding(node.variableDeclaration.name, 'catch', node.variableDeclaration, node, [], table);
    return table;
  }
  return undefined;
}

function isBlockScoped(list: ts.VariableDeclarationList): boolean {
  return (list.flags & ts.NodeFlags.BlockScoped) !== 0;
}

function listKind(list: ts.VariableDeclarationList): DeclKind {
  if (list.flags & ts.NodeFlags.Let) return 'let';
  if (list.flags & ts.NodeFlags.BlockScoped) return 'const';
  return 'var';
}

/** `var` declarations anywhere in a function body (not in nested functions or classes) belong to the function. */
function hoistVars(root: ts.Node, scope: ts.Node, table: Map<string, Decl>): void {
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node) || ts.isClassLike(node)) return;
    if (ts.isVariableDeclarationList(node) && !isBlockScoped(node)) {
      for (const decl of node.declarations) addBinding(decl.name, 'var', decl, scope, [], table);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
}

function addLexical(statements: ts.NodeArray<ts.Statement>, scope: ts.Node, table: Map<string, Decl>): void {
  for (const statement of statements) {
    if (ts.isVariableStatement(statement) && isBlockScoped(statement.declarationList)) {
      const kind = listKind(statement.declarationList);
      for (const decl of statement.declarationList.declarations) addBinding(decl.name, kind, decl, scope, [], table);
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      table.set(statement.name.text, { kind: 'function', name: statement.name, node: statement, path: [], scope });
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      table.set(statement.name.text, { kind: 'class', name: statement.name, node: statement, path: [], scope });
    } else if (ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) {
      if (ts.isIdentifier(statement.name)) {
        table.set(statement.name.text, { kind: 'other', name: statement.name, node: statement, path: [], scope });
      }
    } else if (ts.isImportDeclaration(statement)) {
      addImport(statement, scope, table);
    } else if (ts.isImportEqualsDeclaration(statement)) {
      const ref = statement.moduleReference;
      const imported =
        ts.isExternalModuleReference(ref) && ts.isStringLiteralLike(ref.expression)
          ? { specifier: ref.expression.text, name: '=' }
          : undefined;
      table.set(statement.name.text, {
        kind: imported ? 'import' : 'other',
        name: statement.name,
        node: statement,
        path: [],
        scope,
        ...(imported ? { imported } : {}),
      });
    }
  }
}

function addImport(statement: ts.ImportDeclaration, scope: ts.Node, table: Map<string, Decl>): void {
  const clause = statement.importClause;
  if (!clause || !ts.isStringLiteralLike(statement.moduleSpecifier)) return;
  const specifier = statement.moduleSpecifier.text;
  const add = (name: ts.Identifier, importedName: string) =>
    table.set(name.text, {
      kind: 'import',
      name,
      node: statement,
      path: [],
      scope,
      imported: { specifier, name: importedName },
    });
  if (clause.name) add(clause.name, 'default');
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) add(bindings.name, '*');
  if (bindings && ts.isNamedImports(bindings)) {
    for (const element of bindings.elements) {
      const imported = element.propertyName ? element.propertyName.text : element.name.text;
      add(element.name, imported);
    }
  }
}

function addBinding(
  name: ts.BindingName,
  kind: DeclKind,
  node: ts.Node,
  scope: ts.Node,
  path: readonly string[] | undefined,
  table: Map<string, Decl>,
): void {
  if (ts.isIdentifier(name)) {
    table.set(name.text, { kind, name, node, path, scope });
    return;
  }
  if (ts.isObjectBindingPattern(name)) {
    for (const element of name.elements) {
      const key = element.dotDotDotToken
        ? undefined
        : element.propertyName
          ? propertyKey(element.propertyName)
          : ts.isIdentifier(element.name)
            ? element.name.text
            : undefined;
      addBinding(element.name, kind, node, scope, path && key !== undefined ? [...path, key] : undefined, table);
    }
    return;
  }
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) addBinding(element.name, kind, node, scope, undefined, table);
  }
}

function propertyKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** Every identifier in `root` that refers to `decl` (by scope lookup), excluding the declaring name itself. */
export function referencesTo(decl: Decl, root: ts.Node): ts.Identifier[] {
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === decl.name.text && node !== decl.name && isReference(node)) {
      if (lookup(node) === decl) found.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

/** False for identifiers that name a property or a declaration rather than refer to a binding. */
export function isReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (ts.isPropertyAssignment(parent) && parent.name === id) return false;
  if ((ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === id) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false;
  if ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === id) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent)) return false;
  return true;
}
