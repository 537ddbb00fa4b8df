/**
 * `uncancelled-timer`: a durable timer raced in `context.df.Task.any([...])` that is still pending when the
 * orchestrator ends on a path where another task won. durable-functions documents that "all pending timers must be
 * completed or canceled for an orchestration to complete": the instance stays Running until the timer fires.
 *
 * The check follows the orchestrator's statements from the start with a small set of states per path (the timer is
 * not raced yet; done with; another task won; the winner is unknown), through `if`/`else`, `switch`, loops (to a fixed
 * point), labels, `break`/`continue` and `return`. It understands `winner === timer`, `winner === otherTask` (and
 * `!==`, `!`, `&&`, `||`, a const holding such a test), `timer.isCompleted`, `otherTask.isCompleted`,
 * `timer.cancel()`, yielding the timer (alone or in `Task.all`) and `continueAsNew` (the timer is then discarded).
 * Anything it cannot follow (the timer passed to a function or stored, a condition on the winner it does not
 * understand, a `try` around the race, another race on the same timer) stops the check: no finding.
 *
 * The quick fix inserts `timer.cancel();` where only "another task won, the timer is still pending" can hold (the
 * branch where another task won), after checking that the insertion leaves no path uncancelled.
 */
import * as ts from 'typescript';
import type { Fix, TextEdit } from './api.js';
import type { AsyncEnv } from './asyncRules.js';
import { isDfCall, statementYield, taskCombinator } from './dfCalls.js';
import { fix, replaceNode, replaceSpan } from './fixes.js';
import { afterStatement, beforeStatement } from './indentation.js';
import type { Issue } from './issues.js';
import { isReference, lookup, type Decl } from './scopes.js';
import {
  enclosingFunction,
  isAssignmentOperator,
  isFunctionNode,
  isGenerator,
  isIncrementOrDecrement,
  isInside,
  snippet,
  unwrap,
  type FunctionNode,
} from './syntax.js';

// The states of the timer on one path (bit flags: a set of paths is their union).
/** Not raced yet (or created again). */
const IDLE = 1;
/** Fired, cancelled, waited for, or discarded by continueAsNew. */
const DONE = 2;
/** Another task won and nothing was yielded since: the timer is certainly still pending. */
const OTHER = 4;
/** Another task won, but something was yielded since: the timer may have fired meanwhile. */
const OTHER_LATER = 8;
/** Raced, the winner unknown. */
const UNKNOWN = 16;
const UNKNOWN_LATER = 32;
const PENDING = OTHER | OTHER_LATER | UNKNOWN | UNKNOWN_LATER;
const UNDECIDED = UNKNOWN | UNKNOWN_LATER;

const MAX_ROUNDS = 12;

/** Members of a task that only read it. */
const TASK_READS: ReadonlySet<string> = new Set(['isCompleted', 'isCanceled', 'isFaulted', 'result']);

interface Race {
  readonly fn: FunctionNode;
  /** The statement holding `yield <df>.Task.any([...])`. */
  readonly statement: ts.Statement;
  /** The timer's variable; undefined for a `createTimer(...)` written inside the array. */
  readonly timer: Decl | undefined;
  /** The timer's element in the array (where the finding is reported). */
  readonly timerNode: ts.Expression;
  readonly winner: Decl | undefined;
  /** The other elements that are variables. */
  readonly racers: ReadonlySet<Decl>;
  readonly size: number;
}

/** Stops the check: code it cannot follow. */
class TooComplex extends Error {}

interface Jump {
  readonly kind: 'break' | 'continue';
  readonly label: string | undefined;
  readonly states: number;
}

interface Flow {
  readonly next: number;
  readonly ends: number;
  readonly jumps: readonly Jump[];
}

/** Where the quick fix inserts `timer.cancel()`: before a statement, or at the end of a block. */
interface Point {
  readonly node: ts.Statement;
  readonly at: 'before' | 'end';
}

const NONE: Flow = { next: 0, ends: 0, jumps: [] };

function mapStates(states: number, f: (state: number) => number): number {
  let out = 0;
  for (let bit = 1; bit <= states; bit <<= 1) if (states & bit) out |= f(bit);
  return out;
}

const raced = (states: number) => mapStates(states, (s) => (s === DONE ? DONE : UNKNOWN));
const done = (states: number) => (states ? DONE : 0);
const later = (states: number) =>
  mapStates(states, (s) => (s === OTHER ? OTHER_LATER : s === UNKNOWN ? UNKNOWN_LATER : s));
const timerWon = (states: number) => mapStates(states, (s) => (s === IDLE ? IDLE : DONE));
const otherWon = (states: number) =>
  mapStates(states, (s) => (s === UNKNOWN ? OTHER : s === UNKNOWN_LATER ? OTHER_LATER : s));
/** `!timer.isCompleted`: the timer is pending now, so another task won. */
const timerPending = (states: number) =>
  mapStates(states, (s) => (s === UNKNOWN || s === UNKNOWN_LATER || s === OTHER_LATER ? OTHER : s));

/** The issues of `yield <df>.Task.any([...])` statements that race a timer. */
export function checkTimerRace(node: ts.YieldExpression, env: AsyncEnv): Issue[] {
  if (node.asteriskToken || !node.expression || taskCombinator(unwrap(node.expression)) !== 'any') return [];
  const issues: Issue[] = [];
  for (const race of racesOf(node)) {
    const issue = checkRace(race, env);
    if (issue) issues.push(issue);
  }
  return issues;
}

function racesOf(node: ts.YieldExpression): Race[] {
  const fn = enclosingFunction(node);
  const call = unwrap(node.expression!) as ts.CallExpression;
  const array = call.arguments.length === 1 ? unwrap(call.arguments[0]!) : undefined;
  if (!fn || !isGenerator(fn) || !array || !ts.isArrayLiteralExpression(array)) return [];
  const form = raceStatement(node, fn);
  if (!form) return [];
  const timers: { node: ts.Expression; decl: Decl | undefined }[] = [];
  const variables = new Map<ts.Expression, Decl>();
  for (const element of array.elements) {
    if (ts.isSpreadElement(element)) return [];
    const inner = unwrap(element);
    if (isDfCall(inner, 'createTimer')) timers.push({ node: element, decl: undefined });
    if (!ts.isIdentifier(inner)) continue;
    const decl = lookup(inner);
    if (!decl) continue;
    variables.set(element, decl);
    if (isTimerVariable(decl, fn)) timers.push({ node: element, decl });
  }
  return timers.map((timer) => ({
    fn,
    statement: form.statement,
    timer: timer.decl,
    timerNode: timer.node,
    winner: form.winner,
    racers: new Set([...variables].filter(([element]) => element !== timer.node).map(([, decl]) => decl)),
    size: array.elements.length,
  }));
}

/** `const w = yield race;`, `w = yield race;` or `yield race;` directly in the generator. */
function raceStatement(
  node: ts.YieldExpression,
  fn: FunctionNode,
): { statement: ts.Statement; winner: Decl | undefined } | undefined {
  let expr: ts.Node = node;
  while (ts.isParenthesizedExpression(expr.parent)) expr = expr.parent;
  const parent = expr.parent;
  if (ts.isExpressionStatement(parent)) return { statement: parent, winner: undefined };
  let name: ts.Node | undefined;
  let statement: ts.Node | undefined;
  if (ts.isVariableDeclaration(parent) && parent.initializer === expr) {
    const list = parent.parent;
    if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1) return undefined;
    name = parent.name;
    statement = list.parent;
  } else if (
    ts.isBinaryExpression(parent) &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    parent.right === expr &&
    ts.isExpressionStatement(parent.parent)
  ) {
    name = unwrap(parent.left);
    statement = parent.parent;
  }
  // A `for (let w = yield ...; ...)` header is not a statement of its own.
  if (
    !name ||
    !ts.isIdentifier(name) ||
    !statement ||
    !(ts.isVariableStatement(statement) || ts.isExpressionStatement(statement))
  )
    return undefined;
  const winner = lookup(name);
  if (!winner || enclosingFunction(winner.node) !== fn) return undefined;
  return { statement, winner };
}

/** `const t = <df>.createTimer(...)` (or a `let`) declared in the generator itself. */
function isTimerVariable(decl: Decl, fn: FunctionNode): boolean {
  const node = decl.node;
  return (
    (decl.kind === 'const' || decl.kind === 'let') &&
    decl.path?.length === 0 &&
    ts.isVariableDeclaration(node) &&
    node.initializer !== undefined &&
    isDfCall(unwrap(node.initializer), 'createTimer') &&
    enclosingFunction(node) === fn
  );
}

function checkRace(race: Race, env: AsyncEnv): Issue | undefined {
  let walk: RaceWalk;
  try {
    walk = new RaceWalk(race);
    if (!walk.run()) return undefined;
  } catch (error) {
    if (error instanceof TooComplex) return undefined;
    throw error;
  }
  const leak = walk.leak!;
  const sf = race.fn.getSourceFile();
  const line = (node: ts.Node, end = false) =>
    sf.getLineAndCharacterOfPosition(end ? node.getEnd() : node.getStart(sf)).line + 1;
  const where = ts.isReturnStatement(leak) ? `returning at line ${line(leak)}` : `ending at line ${line(leak, true)}`;
  const name = race.timer?.name.text;
  const fixes: Fix[] = [];
  const cancel = name !== undefined && env.context !== undefined ? cancelFix(race, name) : undefined;
  if (cancel) fixes.push(cancel);
  return {
    rule: 'uncancelled-timer',
    node: race.timerNode,
    code: name ? `\`${name}\`` : `\`${snippet(race.timerNode, 40)}\``,
    what:
      `is raced in Task.any and not cancelled when another task wins (the path ${where}), so the orchestration ` +
      'stays Running until the timer fires',
    via: [],
    fixes,
  };
}

/** Variables whose value comes from the race (the winner, the timer) or from the other racers. */
interface Taint {
  readonly race: ReadonlySet<Decl>;
  readonly racers: ReadonlySet<Decl>;
}

function taintOf(race: Race): Taint {
  const fromRace = new Set<Decl>();
  if (race.winner) fromRace.add(race.winner);
  if (race.timer) fromRace.add(race.timer);
  const fromRacers = new Set<Decl>(race.racers);
  const flows: { targets: Decl[]; source: ts.Expression }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer && !isInside(node, race.statement)) {
      flows.push({ targets: bindings(node.name), source: node.initializer });
    } else if (
      ts.isBinaryExpression(node) &&
      isAssignmentOperator(node.operatorToken.kind) &&
      ts.isIdentifier(node.left)
    ) {
      const decl = lookup(node.left);
      if (decl && !isInside(node, race.statement)) flows.push({ targets: [decl], source: node.right });
    }
    ts.forEachChild(node, visit);
  };
  if (race.fn.body) visit(race.fn.body);
  for (let changed = true, rounds = 0; changed && rounds < MAX_ROUNDS; rounds++) {
    changed = false;
    for (const flow of flows) {
      const set = references(flow.source, fromRace)
        ? fromRace
        : references(flow.source, fromRacers)
          ? fromRacers
          : undefined;
      if (!set) continue;
      for (const target of flow.targets) {
        if (!set.has(target)) {
          set.add(target);
          changed = true;
        }
      }
    }
  }
  return { race: fromRace, racers: fromRacers };
}

function bindings(name: ts.BindingName): Decl[] {
  if (ts.isIdentifier(name)) {
    const decl = lookup(name);
    return decl ? [decl] : [];
  }
  return name.elements.flatMap((element) => (ts.isBindingElement(element) ? bindings(element.name) : []));
}

/** Whether `node` refers to one of `decls`. */
function references(node: ts.Node, decls: ReadonlySet<Decl>): boolean {
  if (decls.size === 0) return false;
  const names = new Set([...decls].map((decl) => decl.name.text));
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(child) && names.has(child.text) && isReference(child)) {
      const decl = lookup(child);
      if (decl && decls.has(decl) && child !== decl.name) found = true;
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/** The walk of one race through the generator's statements. */
class RaceWalk {
  /** States on entry to each statement reached (for the quick fix). */
  readonly entries = new Map<ts.Statement, number>();
  /** States at the end of each block's statements (for the quick fix). */
  readonly blockEnds = new Map<ts.Block, number>();
  /** The first `return` (or the function) where a pending timer ends the orchestrator. */
  leak: ts.Node | undefined;
  /** The timer was raced or waited for again after being done with (after a cancel, that would wait forever). */
  reusedWhenDone = false;

  private tainted: Taint | undefined;
  /** Words whose absence from a piece of code means `scan` has nothing to find there. */
  private readonly words: readonly string[];

  constructor(
    private readonly race: Race,
    private readonly cancelAt?: Point,
    /** Fill `entries` and `blockEnds` (only the quick fix needs them). */
    private readonly record = false,
  ) {
    this.words = ['yield', 'continueAsNew', ...[race.timer, race.winner].flatMap((d) => (d ? [d.name.text] : []))];
  }

  /** Computed when a condition needs it (most races only test the winner). */
  private get taint(): Taint {
    return (this.tainted ??= taintOf(this.race));
  }

  /** Whether some path where another task won ends the orchestrator with the timer pending. */
  run(): boolean {
    const body = this.race.fn.body;
    if (!body || !ts.isBlock(body)) throw new TooComplex();
    const flow = this.block(body, IDLE);
    if (flow.next & PENDING) this.leak ??= this.race.fn;
    return this.leak !== undefined;
  }

  private block(block: ts.Block, states: number): Flow {
    const flow = this.sequence(block.statements, states);
    if (this.record) this.blockEnds.set(block, (this.blockEnds.get(block) ?? 0) | flow.next);
    if (this.cancelAt?.at === 'end' && this.cancelAt.node === block) return { ...flow, next: done(flow.next) };
    return flow;
  }

  private sequence(statements: readonly ts.Statement[], states: number): Flow {
    let next = states;
    let ends = 0;
    const jumps: Jump[] = [];
    for (const statement of statements) {
      if (next === IDLE && this.unrelated(statement)) continue;
      const flow = this.statement(statement, next);
      next = flow.next;
      ends |= flow.ends;
      jumps.push(...flow.jumps);
    }
    return { next, ends, jumps };
  }

  /**
   * Code that cannot touch the timer (no race, no mention of the timer or of continueAsNew): while the timer is not
   * raced yet it changes nothing, so the walk skips it. Jumps in it only remove paths where the timer is idle, and
   * an idle timer never ends up pending without going through the race.
   */
  private unrelated(statement: ts.Statement): boolean {
    if (isInside(this.race.statement, statement)) return false;
    const text = statement.getText();
    return !text.includes('continueAsNew') && (!this.race.timer || !text.includes(this.race.timer.name.text));
  }

  private statement(node: ts.Statement, incoming: number, labels: readonly string[] = []): Flow {
    if (incoming === 0) return NONE;
    if (this.record) this.entries.set(node, (this.entries.get(node) ?? 0) | incoming);
    let states = incoming;
    if (this.cancelAt?.at === 'before' && this.cancelAt.node === node) states = done(states);
    if (node === this.race.statement) {
      if (states & DONE) this.reusedWhenDone = true;
      return { next: raced(states), ends: 0, jumps: [] };
    }
    if (ts.isBlock(node)) return this.block(node, states);
    if (ts.isExpressionStatement(node)) return { next: this.effect(node, node.expression, states), ends: 0, jumps: [] };
    if (ts.isVariableStatement(node)) return { next: this.declarations(node, states), ends: 0, jumps: [] };
    if (ts.isIfStatement(node)) {
      const branches = this.condition(node.expression, states);
      const then = this.statement(node.thenStatement, branches.t);
      const otherwise = node.elseStatement
        ? this.statement(node.elseStatement, branches.f)
        : { ...NONE, next: branches.f };
      return merge(then, otherwise);
    }
    if (ts.isReturnStatement(node)) {
      const end = node.expression ? this.effect(node, node.expression, states) : states;
      if (end & PENDING) this.leak ??= node;
      return { next: 0, ends: end, jumps: [] };
    }
    if (ts.isThrowStatement(node)) {
      this.scan(node.expression);
      return NONE;
    }
    if (ts.isBreakStatement(node) || ts.isContinueStatement(node)) {
      const kind = ts.isBreakStatement(node) ? 'break' : 'continue';
      return { next: 0, ends: 0, jumps: [{ kind, label: node.label?.text, states }] };
    }
    if (ts.isLabeledStatement(node)) return this.labeled(node, states, labels);
    if (ts.isIterationStatement(node, false)) return this.loop(node, states, labels);
    if (ts.isSwitchStatement(node)) return this.switchStatement(node, states);
    if (ts.isTryStatement(node)) return this.tryStatement(node, states);
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isEmptyStatement(node) ||
      ts.isDebuggerStatement(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isInterfaceDeclaration(node)
    ) {
      this.scan(node);
      return { ...NONE, next: states };
    }
    throw new TooComplex();
  }

  /** What a statement's expression does to the timer: cancel it, wait for it, discard it, or only yield. */
  private effect(statement: ts.Statement, expression: ts.Expression, states: number): number {
    const expr = unwrap(expression);
    if (this.isCancel(expr)) return done(states);
    if (isDfCall(expr, 'continueAsNew')) {
      expr.arguments.forEach((arg) => this.scan(arg));
      return done(states);
    }
    const waited = statementYield(statement);
    if (waited && this.waitsForTimer(waited)) return this.wait(states);
    return this.scan(expression) ? later(states) : states;
  }

  private declarations(statement: ts.VariableStatement, incoming: number): number {
    let states = incoming;
    for (const declaration of statement.declarationList.declarations) {
      if (this.race.timer && declaration === this.race.timer.node) {
        states = states ? IDLE : 0;
        continue;
      }
      if (!declaration.initializer) continue;
      const waited = statementYield(statement);
      if (waited && this.waitsForTimer(waited)) states = this.wait(states);
      else if (this.scan(declaration.initializer)) states = later(states);
    }
    return states;
  }

  /** Waiting for the timer: done with it (a timer cancelled before would never fire). */
  private wait(states: number): number {
    if (states & DONE) this.reusedWhenDone = true;
    return done(states);
  }

  private isCancel(expr: ts.Expression): boolean {
    if (!ts.isCallExpression(expr) || expr.arguments.length !== 0) return false;
    const callee = unwrap(expr.expression);
    return ts.isPropertyAccessExpression(callee) && callee.name.text === 'cancel' && this.isTimer(callee.expression);
  }

  /** `yield timer`, `yield <df>.Task.all([..., timer, ...])`. */
  private waitsForTimer(node: ts.YieldExpression): boolean {
    if (node.asteriskToken || !node.expression) return false;
    const operand = unwrap(node.expression);
    if (!this.isTimer(operand)) {
      if (taskCombinator(operand) !== 'all' || !ts.isCallExpression(operand)) return false;
      const array = operand.arguments.length === 1 ? unwrap(operand.arguments[0]!) : undefined;
      if (!array || !ts.isArrayLiteralExpression(array) || !array.elements.some((e) => this.isTimer(e))) return false;
      for (const element of array.elements) if (!this.isTimer(element)) this.scan(element);
    }
    return true;
  }

  private isTimer(expr: ts.Expression): boolean {
    const node = unwrap(expr);
    return this.race.timer !== undefined && ts.isIdentifier(node) && lookup(node) === this.race.timer;
  }

  private isWinner(expr: ts.Expression): boolean {
    const node = unwrap(expr);
    return this.race.winner !== undefined && ts.isIdentifier(node) && lookup(node) === this.race.winner;
  }

  private racer(expr: ts.Expression): Decl | undefined {
    const node = unwrap(expr);
    const decl = ts.isIdentifier(node) ? lookup(node) : undefined;
    return decl && this.race.racers.has(decl) ? decl : undefined;
  }

  /** `x.isCompleted` of the timer or of another racer. */
  private completion(expr: ts.Expression): 'timer' | 'racer' | undefined {
    const node = unwrap(expr);
    if (!ts.isPropertyAccessExpression(node) || node.name.text !== 'isCompleted') return undefined;
    if (this.isTimer(node.expression)) return 'timer';
    return this.racer(node.expression) ? 'racer' : undefined;
  }

  /** The states where a condition is true (`t`) and false (`f`). */
  private condition(expr: ts.Expression, states: number): { t: number; f: number } {
    const node = unwrap(expr);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      const inner = this.condition(node.operand, states);
      return { t: inner.f, f: inner.t };
    }
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
        const left = this.condition(node.left, states);
        if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
          const right = this.condition(node.right, left.t);
          return { t: right.t, f: left.f | right.f };
        }
        const right = this.condition(node.right, left.f);
        return { t: left.t | right.t, f: right.f };
      }
      const equality = this.equality(node, states);
      if (equality) return equality;
    }
    const completion = this.completion(node);
    if (completion === 'timer') return { t: timerWon(states), f: timerPending(states) };
    if (completion === 'racer') return { t: states, f: this.race.size === 2 ? timerWon(states) : states };
    const alias = ts.isIdentifier(node) ? aliasedTest(node) : undefined;
    if (alias) return this.condition(alias, states);
    return this.opaque(node, states);
  }

  /** `winner === timer`, `winner === other`, `timer.isCompleted === false`, and their negations. */
  private equality(node: ts.BinaryExpression, states: number): { t: number; f: number } | undefined {
    const op = node.operatorToken.kind;
    const negated = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    if (!negated && op !== ts.SyntaxKind.EqualsEqualsEqualsToken && op !== ts.SyntaxKind.EqualsEqualsToken)
      return undefined;
    const result = this.comparison(node.left, node.right, states) ?? this.comparison(node.right, node.left, states);
    return result && (negated ? { t: result.f, f: result.t } : result);
  }

  private comparison(a: ts.Expression, b: ts.Expression, states: number): { t: number; f: number } | undefined {
    if (this.isWinner(a) && this.isTimer(b)) return { t: timerWon(states), f: otherWon(states) };
    if (this.isWinner(a) && this.racer(b))
      return { t: otherWon(states), f: this.race.size === 2 ? timerWon(states) : states };
    const literal = unwrap(b).kind;
    if (this.completion(a) && (literal === ts.SyntaxKind.TrueKeyword || literal === ts.SyntaxKind.FalseKeyword)) {
      const test = this.condition(a, states);
      return literal === ts.SyntaxKind.TrueKeyword ? test : { t: test.f, f: test.t };
    }
    return undefined;
  }

  /**
   * A condition the walk does not interpret: fine when it does not depend on the race; one that depends on the
   * other racers only matters while the winner is unknown; one that depends on the winner or the timer stops it.
   */
  private opaque(node: ts.Expression, incoming: number): { t: number; f: number } {
    const states = this.scan(node) ? later(incoming) : incoming;
    if (references(node, this.taint.race)) throw new TooComplex();
    if ((states & UNDECIDED) !== 0 && references(node, this.taint.racers)) throw new TooComplex();
    return { t: states, f: states };
  }

  private labeled(node: ts.LabeledStatement, states: number, labels: readonly string[]): Flow {
    const label = node.label.text;
    const inner = ts.isIterationStatement(node.statement, false) || ts.isLabeledStatement(node.statement);
    const flow = this.statement(node.statement, states, inner ? [...labels, label] : []);
    let next = flow.next;
    const jumps = flow.jumps.filter((jump) => {
      if (jump.kind !== 'break' || jump.label !== label) return true;
      next |= jump.states;
      return false;
    });
    return { next, ends: flow.ends, jumps };
  }

  private loop(node: ts.IterationStatement, states: number, labels: readonly string[]): Flow {
    const own = (jump: Jump) => jump.label === undefined || labels.includes(jump.label);
    let entry = states;
    let exit = 0;
    let ends = 0;
    const outer: Jump[] = [];
    if (ts.isForStatement(node) && node.initializer) {
      if (ts.isVariableDeclarationList(node.initializer)) {
        for (const declaration of node.initializer.declarations)
          if (declaration.initializer) this.scan(declaration.initializer);
      } else if (this.scan(node.initializer)) entry = later(entry);
    }
    if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && this.scan(node.expression)) entry = later(entry);
    const condition = ts.isForStatement(node)
      ? node.condition
      : ts.isWhileStatement(node) || ts.isDoStatement(node)
        ? node.expression
        : undefined;
    const forever = !condition || condition.kind === ts.SyntaxKind.TrueKeyword;
    const test = (input: number) => {
      if (forever || !condition) return { t: input, f: 0 };
      return this.condition(condition, input);
    };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let body: number;
      if (ts.isDoStatement(node)) body = entry;
      else if (ts.isForOfStatement(node) || ts.isForInStatement(node)) {
        body = entry;
        exit |= entry;
      } else {
        const branches = test(entry);
        body = branches.t;
        exit |= branches.f;
      }
      const flow = this.statement(node.statement, body);
      ends |= flow.ends;
      let back = flow.next;
      for (const jump of flow.jumps) {
        if (!own(jump)) outer.push(jump);
        else if (jump.kind === 'break') exit |= jump.states;
        else back |= jump.states;
      }
      if (ts.isDoStatement(node)) {
        const branches = test(back);
        exit |= branches.f;
        back = branches.t;
      }
      if (ts.isForStatement(node) && node.incrementor && back && this.scan(node.incrementor)) back = later(back);
      if ((entry | back) === entry && round > 0) return { next: exit, ends, jumps: outer };
      entry |= back;
    }
    throw new TooComplex();
  }

  private switchStatement(node: ts.SwitchStatement, states: number): Flow {
    for (const test of [
      node.expression,
      ...node.caseBlock.clauses.flatMap((c) => (ts.isCaseClause(c) ? [c.expression] : [])),
    ]) {
      this.opaque(test, states);
    }
    let fall = 0;
    let exit = 0;
    let ends = 0;
    const jumps: Jump[] = [];
    for (const clause of node.caseBlock.clauses) {
      const flow = this.sequence(clause.statements, states | fall);
      fall = flow.next;
      ends |= flow.ends;
      for (const jump of flow.jumps) {
        if (jump.kind === 'break' && jump.label === undefined) exit |= jump.states;
        else jumps.push(jump);
      }
    }
    exit |= fall;
    if (!node.caseBlock.clauses.some(ts.isDefaultClause)) exit |= states;
    return { next: exit, ends, jumps };
  }

  /** A `try` that does not touch the race: an exception can leave it anywhere, but the timer's state is the same. */
  private tryStatement(node: ts.TryStatement, states: number): Flow {
    const decls = new Set([this.race.timer, this.race.winner].filter((d): d is Decl => d !== undefined));
    if (isInside(this.race.statement, node) || references(node, decls) || node.getText().includes('continueAsNew'))
      throw new TooComplex();
    const attempt = this.statement(node.tryBlock, states);
    const handler = node.catchClause ? this.statement(node.catchClause.block, states | later(states)) : NONE;
    const flow = merge(attempt, handler);
    if (!node.finallyBlock) return flow;
    const final = this.statement(node.finallyBlock, flow.next);
    return { next: final.next, ends: flow.ends | final.ends, jumps: [...flow.jumps, ...final.jumps] };
  }

  /**
   * Checks an expression the walk does not interpret: the timer may only be read (`timer.isCompleted`), the winner
   * not reassigned, and `continueAsNew` only called as a statement. Returns whether it yields.
   */
  private scan(root: ts.Node): boolean {
    const text = root.getText();
    if (!this.words.some((word) => text.includes(word))) return false;
    let yields = false;
    const visit = (node: ts.Node, nested: boolean): void => {
      if (ts.isYieldExpression(node) && !nested) yields = true;
      if (ts.isIdentifier(node)) this.checkReference(node);
      if (isDfCall(node, 'continueAsNew')) throw new TooComplex();
      const inner = nested || isFunctionNode(node);
      ts.forEachChild(node, (child) => visit(child, inner));
    };
    visit(root, false);
    return yields;
  }

  private checkReference(id: ts.Identifier): void {
    const timer = this.race.timer;
    const winner = this.race.winner;
    const isTimerName = timer && id.text === timer.name.text;
    const isWinnerName = winner && id.text === winner.name.text;
    if ((!isTimerName && !isWinnerName) || !isReference(id)) return;
    const decl = lookup(id);
    if (!decl || id === decl.name) return;
    let node: ts.Node = id;
    while (ts.isParenthesizedExpression(node.parent) || ts.isNonNullExpression(node.parent)) node = node.parent;
    const parent = node.parent;
    if (decl === timer) {
      const read =
        ts.isPropertyAccessExpression(parent) && parent.expression === node && TASK_READS.has(parent.name.text);
      if (!(read && !isWritten(parent)) && !isIdentityTest(parent)) throw new TooComplex();
    } else if (decl === winner && isWritten(node)) {
      throw new TooComplex();
    }
  }
}

/** `a === b` and the other equality operators: comparing with the timer only reads which task it is. */
function isIdentityTest(node: ts.Node): boolean {
  if (!ts.isBinaryExpression(node)) return false;
  const op = node.operatorToken.kind;
  return (
    op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    op === ts.SyntaxKind.EqualsEqualsToken ||
    op === ts.SyntaxKind.ExclamationEqualsToken
  );
}

/** The target of an assignment, `++`/`--` or `delete`. */
function isWritten(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent)) return parent.left === node && isAssignmentOperator(parent.operatorToken.kind);
  return isIncrementOrDecrement(parent) || ts.isDeleteExpression(parent);
}

/** `const timedOut = winner === timer;` then `if (timedOut)`: the test itself, if it yields nothing. */
function aliasedTest(id: ts.Identifier): ts.Expression | undefined {
  const decl = lookup(id);
  if (!decl || decl.kind !== 'const' || decl.path?.length !== 0 || !ts.isVariableDeclaration(decl.node))
    return undefined;
  const init = decl.node.initializer && unwrap(decl.node.initializer);
  if (
    !init ||
    !(ts.isBinaryExpression(init) || ts.isPrefixUnaryExpression(init) || ts.isPropertyAccessExpression(init))
  )
    return undefined;
  let pure = true;
  const visit = (node: ts.Node): void => {
    if (ts.isYieldExpression(node) || ts.isCallExpression(node) || isFunctionNode(node)) pure = false;
    else ts.forEachChild(node, visit);
  };
  visit(init);
  return pure ? init : undefined;
}

function merge(a: Flow, b: Flow): Flow {
  return { next: a.next | b.next, ends: a.ends | b.ends, jumps: [...a.jumps, ...b.jumps] };
}

/**
 * `timer.cancel();` at the first place (in source order) where the only possibility is "another task won and the
 * timer is pending", checked by walking again with the cancel in place: no fix unless every path is then covered.
 */
function cancelFix(race: Race, name: string): Fix | undefined {
  const timer = race.timer!;
  const walk = new RaceWalk(race, undefined, true);
  walk.run();
  const points: Point[] = [];
  for (const [node, states] of walk.entries) if (states === OTHER) points.push({ node, at: 'before' });
  for (const [node, states] of walk.blockEnds) if (states === OTHER) points.push({ node, at: 'end' });
  points.sort((a, b) => position(a) - position(b));
  for (const point of points) {
    // In the timer's scope, after its declaration, in the generator itself (not a callback).
    if (!isInside(point.node, timer.scope) || position(point) < timer.node.getEnd()) continue;
    if (enclosingFunction(point.node) !== race.fn) continue;
    const edit = insertion(point, `${name}.cancel();`);
    if (!edit) continue;
    try {
      // Rejected when the cancel leaves a path uncancelled, or is followed by racing or waiting for the timer again.
      const fixed = new RaceWalk(race, point);
      if (fixed.run() || (fixed.reusedWhenDone && !walk.reusedWhenDone)) continue;
    } catch (error) {
      if (error instanceof TooComplex) continue;
      throw error;
    }
    return fix(`Cancel ${name} when another task wins`, edit);
  }
  return undefined;
}

function position(point: Point): number {
  return point.at === 'before' ? point.node.getStart() : point.node.getEnd() - 1;
}

function insertion(point: Point, text: string): TextEdit | undefined {
  const node = point.node;
  const sf = node.getSourceFile();
  if (ts.isBlock(node) && (point.at === 'end' || node.statements.length === 0)) {
    const last = node.statements[node.statements.length - 1];
    if (!last) return replaceNode(node, `{ ${text} }`);
    return replaceSpan(sf, last.getEnd(), last.getEnd(), afterStatement(last, text));
  }
  if (point.at === 'end' || ts.isBlock(node)) return undefined;
  const parent = node.parent;
  if (ts.isBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
    const start = node.getStart(sf);
    return replaceSpan(sf, start, start, beforeStatement(node, text));
  }
  if (ts.isIfStatement(parent)) return replaceNode(node, `{ ${text} ${node.getText(sf)} }`);
  return undefined;
}
