/**
 * A FunctionRunner decorator that gives functions their storage bindings, as the Functions host does around each
 * invocation: before it, blob and table inputs are read (binding expressions resolved from the trigger metadata and
 * the trigger's payload or the activity's input) and handed over with the call; after it succeeded, the blob, queue
 * and table outputs are written. Nothing is written when the function fails, as on Azure. Output values of bindings
 * the emulator cannot write (Cosmos DB, Service Bus, ...) are logged as discarded, each time one is set.
 *
 * Functions without storage bindings pass straight through, so an app without storage pays nothing. Outputs nobody
 * writes are reported as discarded here for activity and HTTP calls; a trigger call's result keeps them, for the
 * TriggerHost to report (src/emulator/triggers/triggerHost.ts).
 */
import { bindingTypeName, isHonoured, isStorageBinding, isTrigger } from '../host/bindingSupport.js';
import type { FunctionInfo, Invocation, InvocationResult, OutputValues, TypedData } from '../host/protocol.js';
import { InvocationError, type FunctionRunner } from '../host/runner.js';
import type { StorageHost } from './host.js';
import type { ExpressionData } from './types.js';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;
type BoundCall = Extract<Invocation, { kind: 'activity' | 'http' | 'trigger' }>;

export class BindingRunner implements FunctionRunner {
  private functions = new Map<string, FunctionInfo>();

  constructor(
    private readonly inner: FunctionRunner,
    private readonly storage: StorageHost,
    private readonly log: Log,
  ) {}

  async start(): Promise<FunctionInfo[]> {
    return this.adopt(await this.inner.start(), () => this.inner.reload());
  }

  async reload(): Promise<FunctionInfo[]> {
    return this.adopt(await this.inner.reload(), () => this.inner.reload());
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  async invoke(call: Invocation, standalone?: () => Invocation): Promise<InvocationResult> {
    if (call.kind !== 'activity' && call.kind !== 'http' && call.kind !== 'trigger') {
      return this.inner.invoke(call, standalone);
    }
    const fn = this.functions.get(call.functionName.toLowerCase());
    if (!fn || !this.usesStorage(fn)) return this.settle(fn, call, await this.inner.invoke(call, standalone), {});
    const runtime = await this.storage.ready();
    const data = expressionData(call);
    const inputs = await failAs(call, () => runtime.readInputs(fn, data));
    const bindings = { ...call.bindings, inputs: [...(call.bindings?.inputs ?? []), ...inputs] };
    const bound = { ...call, bindings } as BoundCall;
    const result = await this.inner.invoke(bound, standalone && (() => ({ ...standalone(), bindings }) as Invocation));
    const written: OutputValues = {};
    for (const [name, value] of Object.entries(outputsOf(result))) {
      const binding = fn.bindings.find((b) => b.name === name);
      if (binding && isStorageBinding(binding.type) && isHonoured(binding.type, 'out', fn.kind)) written[name] = value;
    }
    if (Object.keys(written).length > 0) await failAs(call, () => runtime.writeOutputs(fn, written, data));
    return this.settle(fn, call, result, written);
  }

  /**
   * The result without the outputs that were written. What is left was written by nobody: for a trigger call the
   * TriggerHost reports it (it gets the result); for activity and HTTP calls nobody else sees it, so it is reported
   * here, one line per value set, in the worker's words.
   */
  private settle(
    fn: FunctionInfo | undefined,
    call: BoundCall,
    result: InvocationResult,
    written: OutputValues,
  ): InvocationResult {
    const left = Object.fromEntries(Object.entries(outputsOf(result)).filter(([name]) => !(name in written)));
    if (call.kind === 'trigger') return result.kind === 'trigger' ? { ...result, outputs: left } : result;
    if (fn) reportDiscarded(fn, left, this.log);
    return result;
  }

  private async adopt(
    functions: FunctionInfo[],
    restartWorker: () => Promise<FunctionInfo[]>,
  ): Promise<FunctionInfo[]> {
    let list = functions;
    // A private Azurite changed the worker's environment: restart the worker so app code sees the same account.
    if (await this.storage.prepare(functions)) list = await restartWorker();
    this.functions = new Map(list.map((fn) => [fn.name.toLowerCase(), fn]));
    return list;
  }

  /** Whether the function has a storage binding the host side reads or writes (or a storage trigger). */
  private usesStorage(fn: FunctionInfo): boolean {
    if (!this.storage.used) return false;
    return fn.bindings.some(
      (b) => isStorageBinding(b.type) && (isTrigger(b.type) || isHonoured(b.type, b.direction, fn.kind)),
    );
  }
}

/** One warning per value set on an output nobody writes, in the worker's words. */
export function reportDiscarded(fn: FunctionInfo, outputs: OutputValues, log: Log): void {
  for (const name of Object.keys(outputs)) {
    const binding = fn.bindings.find((b) => b.name === name);
    const type = binding ? bindingTypeName(binding.type) : 'unknown';
    log(
      'warn',
      `[${fn.name}] output binding '${name}' (${type}) is not supported by the emulator yet: the value set by the function was discarded`,
    );
  }
}

function outputsOf(result: InvocationResult): OutputValues {
  return 'outputs' in result && result.outputs ? result.outputs : {};
}

/** Runs a binding read or write; its failure is the invocation's failure, as on Azure. */
async function failAs<T>(call: BoundCall, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = `Error while handling the storage bindings of '${call.functionName}': ${
      error instanceof Error ? error.message.split('\n')[0] : String(error)
    }`;
    throw new InvocationError({ name: 'Error', message, stack: `Error: ${message}` });
  }
}

/** What binding expressions see: trigger metadata and the JSON payload (trigger value, activity input, HTTP body). */
export function expressionData(call: BoundCall): ExpressionData {
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call.bindings?.triggerMetadata ?? {})) metadata[key] = typedValue(value);
  switch (call.kind) {
    case 'activity': {
      // The Durable extension's activity binding data: the orchestration's `instanceId` and the input as `data`.
      const input = call.input === null ? undefined : tryParse(call.input);
      return { metadata: { instanceId: call.instanceId, data: input, ...metadata }, payload: input };
    }
    case 'http': {
      const body = call.request.body ? tryParse(Buffer.from(call.request.body).toString('utf8')) : undefined;
      return { metadata: { ...call.request.query, ...call.request.params, ...metadata }, payload: body };
    }
    case 'trigger':
      return { metadata, payload: typedValue(call.trigger) };
  }
}

function typedValue(value: TypedData): unknown {
  if ('string' in value) return tryParse(value.string);
  if ('json' in value) return tryParse(value.json);
  return undefined;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
