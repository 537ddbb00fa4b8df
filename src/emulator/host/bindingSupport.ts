/**
 * Which of a function's bindings the emulator honours, so that nothing it ignores goes unsaid: the start-up banner
 * lists the rest (`FunctionInfo.unsupportedBindings`), and every value a function sets on an output the emulator
 * cannot write is logged when it happens.
 *
 * Honoured: every trigger (those the emulator cannot serve can still be invoked by hand); a durable client input;
 * an `http` output of an HTTP function (its response); storage blob and table inputs and blob, queue and table
 * outputs, which the host side reads and writes through Azurite or the account (src/emulator/storage). Everything
 * else (Cosmos DB, Service Bus, Event Hubs, Event Grid, SignalR, SQL, generic bindings, and a `return` output of any
 * of those types) is not written and not read. The durable functions' own results reach the engine through the
 * invocation result, not through an output binding.
 */
import type { RegisteredBinding } from './coreApi.js';
import type { OutputValues, TriggerKind, TypedData, UnsupportedBinding } from './protocol.js';

/** The binding key `@azure/functions` gives the `return` option's output. */
export const RETURN_BINDING = '$return';

const CLIENT_TYPES = new Set(['durableclient', 'orchestrationclient']);
/** Storage bindings the host reads (inputs) and writes (outputs). */
const STORAGE_INPUTS = new Set(['blob', 'table']);
const STORAGE_OUTPUTS = new Set(['blob', 'queue', 'table']);

/**
 * Whether the host side honours a non-trigger binding of this type and direction on a function of this kind.
 * Storage bindings of orchestrators and entities are not: their invocations carry no binding values either way.
 */
export function isHonoured(type: string, direction: 'in' | 'out', kind: TriggerKind): boolean {
  const lower = type.toLowerCase();
  const storage = kind !== 'orchestration' && kind !== 'entity';
  if (direction === 'in') return CLIENT_TYPES.has(lower) || (storage && STORAGE_INPUTS.has(lower));
  return (lower === 'http' && kind === 'http') || (storage && STORAGE_OUTPUTS.has(lower));
}

/** Whether a binding type is one of the storage bindings (which need a storage account: Azurite locally). */
export function isStorageBinding(type: string): boolean {
  return /^(blob|queue|table)(trigger)?$/i.test(type);
}

export function isTrigger(type: string): boolean {
  return /trigger$/i.test(type);
}

/** The `@azure/functions` v4 name of a binding type, where it differs from the registered one (`blob`). */
const API_NAMES: Readonly<Record<string, string>> = { blob: 'storageBlob', queue: 'storageQueue', mysql: 'mySql' };

export function bindingTypeName(type: string): string {
  return API_NAMES[type.toLowerCase()] ?? type;
}

/** The non-trigger bindings of a function the emulator runs that it does not honour, in registration order. */
export function unsupportedBindings(
  bindings: Record<string, RegisteredBinding>,
  kind: TriggerKind,
): UnsupportedBinding[] {
  const unsupported: UnsupportedBinding[] = [];
  for (const [name, binding] of Object.entries(bindings)) {
    const type = binding.type.toLowerCase();
    if (isTrigger(type)) continue;
    const direction = binding.direction === 'out' ? 'out' : 'in';
    if (!isHonoured(type, direction, kind)) unsupported.push({ name, type: bindingTypeName(binding.type), direction });
  }
  return unsupported;
}

/** What a finished invocation left on its outputs: `context.extraOutputs` and the handler's result. */
export interface InvocationOutputs {
  extraOutputs?: { get(name: string): unknown } | undefined;
  result: unknown;
}

/**
 * The unsupported outputs the invocation set a value on, one message each. "Set" is what `@azure/functions` itself
 * sends to the host (`InvocationModel.getResponse`): a `return` output takes the result whatever it is, an extra
 * output only a value that is neither undefined nor null; a `return` output left undefined or null sends nothing
 * either, so it is not reported.
 */
export function discardedOutputMessages(
  outputs: readonly UnsupportedBinding[],
  invocation: InvocationOutputs,
): string[] {
  const messages: string[] = [];
  for (const output of outputs) {
    if (output.direction !== 'out') continue;
    const value = output.name === RETURN_BINDING ? invocation.result : invocation.extraOutputs?.get(output.name);
    if (value === undefined || value === null) continue;
    messages.push(
      `output binding '${output.name}' (${output.type}) is not supported by the emulator yet: the value set by the function was discarded`,
    );
  }
  return messages;
}

/** `{ outputs }` when there are any, so results without outputs stay as small as before. */
export function withOutputs(outputs: OutputValues | undefined): { outputs?: OutputValues } {
  return outputs && Object.keys(outputs).length > 0 ? { outputs } : {};
}

/** The value of an output as it crosses to the host: strings and bytes as they are, anything else as JSON. */
export function toTypedData(value: unknown): TypedData {
  if (typeof value === 'string') return { string: value };
  if (value instanceof Uint8Array) return { bytes: value };
  if (value instanceof ArrayBuffer) return { bytes: new Uint8Array(value) };
  return { json: JSON.stringify(value) ?? 'null' };
}

/**
 * What an invocation set on its outputs other than `http` (see `discardedOutputMessages` for what counts as set).
 * These go to the host, which writes them or reports them discarded.
 */
export function outputValues(
  bindings: Record<string, RegisteredBinding>,
  context: { extraOutputs?: { get(name: string): unknown } | undefined },
  result: unknown,
): OutputValues {
  const values: OutputValues = {};
  for (const [name, binding] of Object.entries(bindings)) {
    if (binding.direction !== 'out' || binding.type.toLowerCase() === 'http') continue;
    const value = name === RETURN_BINDING ? result : context.extraOutputs?.get(name);
    if (value !== undefined && value !== null) values[name] = toTypedData(value);
  }
  return values;
}
