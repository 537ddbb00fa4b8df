/**
 * Which of a function's bindings the emulator honours, so that nothing it ignores goes unsaid: the start-up banner
 * lists the rest (`FunctionInfo.unsupportedBindings`), and every value a function sets on an output the emulator
 * cannot write is logged when it happens.
 *
 * Honoured: the trigger of orchestration, activity, entity and HTTP functions (the trigger's own value, and the
 * handler's return value for the durable ones, which reach the engine through the invocation result, not through
 * an output binding); a durable client input; an `http` output of an HTTP function (its response). Everything else
 * (storage blobs, queues and tables, Cosmos DB, Service Bus, Event Hubs, Event Grid, SignalR, SQL, generic
 * bindings, and a `return` output of any of those types) is not written and not read.
 */
import type { RegisteredBinding } from './coreApi.js';
import type { TriggerKind, UnsupportedBinding } from './protocol.js';

/** The binding key `@azure/functions` gives the `return` option's output. */
export const RETURN_BINDING = '$return';

const CLIENT_TYPES = new Set(['durableclient', 'orchestrationclient']);

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
    const honoured = direction === 'out' ? type === 'http' && kind === 'http' : CLIENT_TYPES.has(type);
    if (!honoured) unsupported.push({ name, type: bindingTypeName(binding.type), direction });
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
