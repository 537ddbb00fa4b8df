/**
 * What an orchestrator threw, when durable-functions does not say. The library reports a failure only through
 * `exception.message` (`OrchestratorState.error`, dropped when falsy), so `throw "boom"`, `throw 7`,
 * `throw {code: 42}`, `throw null`, `throw undefined` and `throw new Error("")` reach the host without a message.
 * On Azure such an instance stays Running for ever with no output (durable-js #390/#391); the emulator fails it
 * instead, with the thrown value in the reason, and warns that Azure would not (see orchestrations.ts).
 *
 * The value is observed by wrapping the generator the library drives: when it sets `context.df`, its executor is
 * reachable, and the generator the executor is given is wrapped so whatever escapes it is recorded. Only the
 * library's property names (`df`, `taskOrchestratorExecutor`, `generator`) are relied on; if they change, nothing
 * is observed and the failure is reported without the value.
 */

/** A thrown value as the engine records it: its kind, a reason text, and a JSON copy when it has one. */
export interface ThrownValue {
  /** `string`, `number`, `boolean`, `bigint`, `symbol`, `function`, `null`, `undefined`, `array`, `object`, or
   * the name of an Error class. */
  type: string;
  /** For messages: "the string "boom"", "null", "an Error with an empty message"... */
  phrase: string;
  /** The reason text: strings as they are, `null`/`undefined` by name, other values as JSON. */
  text: string;
  /** A JSON-safe copy of the value, when JSON can represent it. */
  value?: unknown;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Error) return typeof value.name === 'string' && value.name !== '' ? value.name : 'Error';
  return typeof value;
}

/** A JSON-safe copy, or nothing when JSON cannot represent the value (cycles, BigInt, NaN, functions). */
function jsonCopy(value: unknown): { value?: unknown } {
  if (typeof value === 'number' && !Number.isFinite(value)) return {};
  if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return {};
  try {
    const text = JSON.stringify(value);
    return text === undefined ? {} : { value: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}

/** `String(value)`, which throws for objects without a usable `toString` (`Object.create(null)`). */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Describes any thrown value. Pure. */
export function describeThrown(value: unknown): ThrownValue {
  const type = typeOf(value);
  const copy = jsonCopy(value);
  if (value instanceof Error) {
    const text = value.message === '' ? `${type} (empty message)` : value.message;
    return { type, phrase: `an error (${type})${value.message === '' ? ' with an empty message' : ''}`, text };
  }
  if (typeof value === 'string') return { type, phrase: `the string ${JSON.stringify(value)}`, text: value, ...copy };
  if (value === null || value === undefined) return { type, phrase: type, text: type, ...copy };
  if (typeof value === 'object') {
    const text = 'value' in copy ? JSON.stringify(copy.value) : safeString(value);
    return { type, phrase: `${type === 'array' ? 'an array' : 'an object'} that is not an Error`, text, ...copy };
  }
  return { type, phrase: `the ${type} ${safeString(value)}`, text: safeString(value), ...copy };
}

/**
 * The value to report for an orchestrator episode: `thrown` when the library reported no message for it
 * (`reported` is its `state.error`, which it sets only when the thrown value's `message` is truthy).
 */
export function unreportedThrow(thrown: { value: unknown } | undefined, reported: unknown): ThrownValue | undefined {
  if (thrown === undefined || reported) return undefined;
  return describeThrown(thrown.value);
}

interface Executor {
  generator?: Iterator<unknown> & { throw(value: unknown): IteratorResult<unknown> };
}

/**
 * Installs the watch on the invocation context before the handler runs; the returned function tells, after it
 * ran, whether the orchestrator's generator threw and what. Only the first throw counts: the generator is
 * finished after it.
 */
export function watchOrchestratorThrow(context: object): () => { value: unknown } | undefined {
  let thrown: { value: unknown } | undefined;
  const guard = <T>(step: () => T): T => {
    try {
      return step();
    } catch (error) {
      thrown ??= { value: error };
      throw error;
    }
  };
  const wrap = (generator: NonNullable<Executor['generator']>): NonNullable<Executor['generator']> => ({
    next: (...args: [] | [unknown]) => guard(() => generator.next(...args)),
    throw: (value: unknown) => guard(() => generator.throw(value)),
    return: (value?: unknown) => generator.return?.(value) ?? { done: true, value },
  });
  const hookExecutor = (executor: unknown): void => {
    if (!executor || typeof executor !== 'object' || 'generator' in executor) return;
    Object.defineProperty(executor, 'generator', {
      configurable: true,
      enumerable: true,
      set(generator: Executor['generator']) {
        const value = generator && typeof generator.next === 'function' ? wrap(generator) : generator;
        Object.defineProperty(executor, 'generator', { value, writable: true, configurable: true, enumerable: true });
      },
    });
  };
  if (!('df' in context)) {
    Object.defineProperty(context, 'df', {
      configurable: true,
      enumerable: true,
      set(df: unknown) {
        Object.defineProperty(context, 'df', { value: df, writable: true, configurable: true, enumerable: true });
        hookExecutor((df as { taskOrchestratorExecutor?: unknown } | undefined)?.taskOrchestratorExecutor);
      },
      get: () => undefined,
    });
  }
  return () => thrown;
}
