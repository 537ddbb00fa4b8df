/**
 * Loads the user's app and invokes its functions through the programming model `@azure/functions` registers,
 * in the order the real Node worker uses: getArguments → preInvocation hooks → invokeFunction →
 * postInvocation hooks → response. Runs inside the worker process (or in-process for benchmarks and tests).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { clientBindingJson } from '../../protocol/clientBinding.js';
import type { WorkerHttpResponse } from '../../protocol/http.js';
import type { AppConfig } from '../appConfig.js';
import { AppConfigError } from '../appConfigError.js';
import { applyLocalSettings, resolveBindings, settingsLookup, type ResolvedBindings } from '../appSettings.js';
import {
  discardedOutputMessages,
  isTrigger,
  outputValues,
  unsupportedBindings,
  withOutputs,
} from './bindingSupport.js';
import { CoreRegistry, installCoreModule, type InvocationContextLike, type Registration } from './coreApi.js';
import { episodeFromFailure, episodeFromState } from './episode.js';
import { watchOrchestratorThrow } from './thrown.js';
import type {
  BindingInfo,
  BindingValues,
  FunctionInfo,
  Invocation,
  InvocationResult,
  LogLevel,
  OutputValues,
  TriggerKind,
  UnsupportedBinding,
} from './protocol.js';
import { toWorkerHttpResponse } from './httpResponse.js';
import { HistoryCache } from './historyCache.js';
import { unmarked, type MarkUserCode } from './userCodeMarker.js';

export type WorkerLog = (level: LogLevel, message: string, functionName?: string) => void;

const TRIGGER_KINDS: Record<string, TriggerKind> = {
  orchestrationtrigger: 'orchestration',
  activitytrigger: 'activity',
  entitytrigger: 'entity',
  httptrigger: 'http',
  timertrigger: 'timer',
  queuetrigger: 'queue',
  blobtrigger: 'blob',
};

function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isEsm(file: string, appDir: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  // The nearest package.json decides, as in Node itself.
  let dir = path.dirname(file);
  while (dir.startsWith(appDir)) {
    const pkgFile = path.join(dir, 'package.json');
    if (fs.existsSync(pkgFile)) {
      try {
        return (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { type?: string }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dir === appDir) break;
    dir = path.dirname(dir);
  }
  return false;
}

export class AppWorker {
  private readonly registry: CoreRegistry;
  private readonly clientBinding: string;
  /** Client binding JSON for durable clients that name a task hub of their own, by `function/binding` name. */
  private readonly hubClientBindings = new Map<string, string>();
  /** Per function, the outputs whose values are discarded (only functions that have some). */
  private readonly discardedOutputs = new Map<Registration, UnsupportedBinding[]>();
  private readonly histories = new HistoryCache();
  /** Per function, its binding properties with `%Setting%` references resolved (checkBindings). */
  private readonly resolved = new Map<Registration, ResolvedBindings>();
  /** The app enabled HTTP streaming, which needs the library's proxy protocol (not implemented yet). */
  private httpStream = false;

  constructor(
    private readonly config: Pick<AppConfig, 'appDir' | 'mainFiles' | 'values' | 'hubName'>,
    private readonly origin: string,
    private readonly log: WorkerLog,
  ) {
    this.registry = new CoreRegistry((level, category, message) => {
      if (category === 'system' && level !== 'error' && level !== 'warning') return;
      this.log(level as LogLevel, message);
    });
    this.clientBinding = JSON.stringify(clientBindingJson(origin, config.hubName));
  }

  /** Installs the core module, sets up the environment, loads `main` and runs the appStart hooks. */
  async load(): Promise<FunctionInfo[]> {
    installCoreModule(this.registry);
    applyLocalSettings(this.config.values, process.env);
    process.chdir(this.config.appDir);
    const appRequire = createRequire(path.join(this.config.appDir, 'package.json'));
    for (const file of this.config.mainFiles) {
      try {
        if (isEsm(file, this.config.appDir)) {
          await import(pathToFileURL(file).href);
        } else {
          appRequire(file);
        }
      } catch (error) {
        throw new Error(describeLoadError(this.config.appDir, file, error));
      }
    }
    if (!this.registry.programmingModel && this.registry.functions.size === 0) {
      throw new Error(
        `the app registered no functions: does ${path.relative(this.config.appDir, this.config.mainFiles[0]!)} import "@azure/functions" or "durable-functions"?`,
      );
    }
    for (const hook of this.registry.hooks.appStart) {
      await hook({
        hookData: this.registry.appHookData,
        appHookData: this.registry.appHookData,
        functionAppDirectory: this.config.appDir,
      });
    }
    this.registry.lock();
    this.checkBindings();
    // As the real worker does after loading: this locks `app.setup()` and reports what the app asked for.
    const capabilities = await this.registry.programmingModel?.getCapabilities?.({});
    if (capabilities?.['HttpUri']) {
      this.httpStream = true;
      this.log(
        'warning',
        'app.setup({ enableHttpStream: true }) is not supported by the emulator yet: HTTP triggers will answer 501.',
      );
    }
    return [...this.registry.functions.values()].map((registration) =>
      describe(registration, this.resolved.get(registration)),
    );
  }

  /** Runs one call; `mark` wraps every entry into user code (handlers and hooks) so a blocking call can be named. */
  async invoke(call: Invocation, mark: MarkUserCode = unmarked): Promise<InvocationResult> {
    const registration = this.registry.functions.get(call.functionName.toLowerCase());
    if (!registration) throw new UnknownFunctionError(call.functionName);
    switch (call.kind) {
      case 'orchestration':
        return this.invokeOrchestrator(registration, call, mark);
      case 'activity': {
        const value = call.input === null ? undefined : tryJsonParse(call.input);
        const bindings = call.bindings ?? {};
        const { result, outputs } = await this.run(registration, { value }, mark, { bindings });
        return { kind: 'activity', resultJson: JSON.stringify(result) ?? 'null', ...withOutputs(outputs) };
      }
      case 'entity': {
        const { result } = await this.run(registration, { value: call.batch }, mark);
        return { kind: 'entity', batch: result as Extract<InvocationResult, { kind: 'entity' }>['batch'] };
      }
      case 'http': {
        const { response, outputs } = await this.invokeHttp(registration, call, mark);
        return { kind: 'http', response, ...withOutputs(outputs) };
      }
      case 'trigger': {
        const trigger = { name: triggerBindingName(registration), data: call.trigger };
        const { outputs } = await this.run(registration, { rpc: trigger }, mark, { bindings: call.bindings ?? {} });
        return { kind: 'trigger', outputs };
      }
    }
  }

  private async invokeOrchestrator(
    registration: Registration,
    call: Extract<Invocation, { kind: 'orchestration' }>,
    mark: MarkUserCode,
  ): Promise<InvocationResult> {
    const { payload, historyKey, historyBase } = call;
    let history = payload.history;
    if (historyBase !== undefined) {
      const cached = this.histories.get(payload.instanceId, historyKey, historyBase);
      if (!cached) return { kind: 'historyCacheMiss' };
      history = cached.concat(payload.history);
    }
    // The library turns every `Timestamp` string of its trigger into a Date by walking the whole object, every
    // episode (a third of the replay time of a long history). The events that arrived now are converted here,
    // once, exactly as it would; the cached ones already were, and `history` is handed over non-enumerable so
    // the walk skips it. Every property the library reads is still there.
    for (const event of payload.history) {
      if (typeof event.Timestamp === 'string')
        (event as { Timestamp: string | Date }).Timestamp = new Date(event.Timestamp);
    }
    const trigger = { ...payload };
    Object.defineProperty(trigger, 'history', { value: history, enumerable: false });
    // The past events are what the next episode builds on; the new events come back from the engine as past
    // events, in their stored order.
    this.histories.set(payload.instanceId, historyKey, history.slice(0, history.length - call.newEvents));
    // What the orchestrator itself threw: the library reports only a message, and none for `throw "boom"`.
    let thrownBy: (() => { value: unknown } | undefined) | undefined;
    const watch = (context: object): void => void (thrownBy = watchOrchestratorThrow(context));
    try {
      const { result: state } = await this.run(registration, { value: trigger }, mark, { watch });
      return { kind: 'orchestration', episode: episodeFromState(state, call.knownLeaves, thrownBy?.()) };
    } catch (error) {
      const episode = episodeFromFailure(error, call.knownLeaves, thrownBy?.());
      if (episode) return { kind: 'orchestration', episode };
      throw error;
    }
  }

  private async invokeHttp(
    registration: Registration,
    call: Extract<Invocation, { kind: 'http' }>,
    mark: MarkUserCode,
  ): Promise<{ response: WorkerHttpResponse; outputs?: OutputValues }> {
    if (this.httpStream) {
      const message =
        'HTTP streams (app.setup({ enableHttpStream: true })) are not supported by the Durable Studio emulator yet.';
      const headers = { 'content-type': 'text/plain; charset=utf-8' };
      return { response: { status: 501, headers, cookies: [], body: Buffer.from(message) } };
    }
    const { request } = call;
    const http = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      params: request.params,
      query: request.query,
      ...(request.body && request.body.length > 0 ? { body: { bytes: Buffer.from(request.body) } } : {}),
    };
    let response: WorkerHttpResponse | undefined;
    const trigger = { name: triggerBindingName(registration), data: { http } };
    const { outputs } = await this.run(registration, { rpc: trigger }, mark, {
      bindings: call.bindings ?? {},
      onResult: async (model, context, result) => {
        response = await toWorkerHttpResponse(model, context, result);
      },
    });
    return { response: response!, outputs };
  }

  /**
   * Invokes one function. A `{ value }` trigger is passed to the handler as is, skipping the RpcTypedData
   * conversion: durable payloads are already objects, and a JSON round trip here would cost a second parse of
   * every history. An `{ rpc }` trigger goes through the library's own conversion (HTTP requests).
   */
  private async run(
    registration: Registration,
    trigger: { value: unknown } | { rpc: { name: string; data: unknown } },
    mark: MarkUserCode,
    hooks: {
      /** Turns the result into the response (HTTP triggers). */
      onResult?: (
        model: ReturnType<NonNullable<CoreRegistry['programmingModel']>['getInvocationModel']>,
        context: InvocationContextLike,
        result: unknown,
      ) => Promise<void>;
      /** Sees the invocation context before any hook or the handler does. */
      watch?: (context: object) => void;
      /**
       * Input binding values and trigger metadata the host provides. When given (even empty), the output values go
       * back to the host, which writes or reports them; otherwise the worker reports the ones it discards.
       */
      bindings?: BindingValues | undefined;
    } = {},
  ): Promise<{ result: unknown; outputs: OutputValues }> {
    const { onResult, watch, bindings } = hooks;
    const programmingModel = this.registry.programmingModel;
    if (!programmingModel) throw new Error('@azure/functions did not register its programming model');
    const { metadata } = registration;
    const data: { name: string; data: unknown }[] = 'rpc' in trigger ? [trigger.rpc] : [];
    for (const input of bindings?.inputs ?? []) data.push(input);
    for (const [name, binding] of Object.entries(metadata.bindings)) {
      const type = binding.type.toLowerCase();
      if (type === 'durableclient' || type === 'orchestrationclient') {
        data.push({ name, data: { string: this.clientBindingFor(metadata.name, name) } });
      }
    }
    const invocationId = randomUUID();
    const coreCtx = {
      invocationId,
      request: {
        invocationId,
        functionId: metadata.name,
        inputData: data,
        triggerMetadata: bindings?.triggerMetadata ?? {},
      },
      metadata,
      state: undefined as string | undefined,
      log: (level: string, category: string, message: string) => {
        if (category === 'system' && level !== 'error' && level !== 'warning') return;
        this.log(level as LogLevel, message, metadata.name);
      },
    };
    const model = programmingModel.getInvocationModel(coreCtx);
    const { context, inputs: converted } = await model.getArguments();
    watch?.(context as object);
    const inputs = 'value' in trigger ? [trigger.value, ...converted] : converted;
    const hookData: Record<string, unknown> = {};
    const appHookData = this.registry.appHookData;
    coreCtx.state = 'preInvocationHooks';
    const pre = { hookData, appHookData, invocationContext: context, inputs, functionCallback: registration.callback };
    for (const hook of this.registry.hooks.preInvocation) await mark(() => hook(pre));
    coreCtx.state = 'invocation';
    let result: unknown;
    let error: unknown;
    let failed = false;
    try {
      result = await mark(() => model.invokeFunction(context, pre.inputs, pre.functionCallback));
    } catch (thrown) {
      error = thrown;
      failed = true;
    }
    coreCtx.state = 'postInvocationHooks';
    const post: Record<string, unknown> = {
      hookData,
      appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result,
      error,
    };
    for (const hook of this.registry.hooks.postInvocation) await mark(() => hook(post));
    if (post['error'] !== error) failed = post['error'] !== undefined && post['error'] !== null;
    if (failed) throw post['error'];
    if (!bindings) this.reportDiscardedOutputs(registration, context, post['result']);
    if (onResult) await onResult(model, context, post['result']);
    const outputs = bindings ? outputValues(metadata.bindings, context, post['result']) : {};
    return { result: post['result'], outputs };
  }

  /**
   * Resolves the `%Name%` references in binding properties as the host does when it indexes functions (an
   * unresolved one stops start-up), and prepares what `run` needs: the client JSON of durable clients with a task
   * hub of their own, and the outputs to watch. What the emulator cannot honour is said here, once.
   */
  private checkBindings(): void {
    const lookup = settingsLookup({}, process.env);
    const fail = (message: string): never => {
      throw new AppConfigError(message);
    };
    // Every function is resolved before anything is said, so that a failed start-up prints its error alone.
    const functions = [...this.registry.functions.values()].map((registration) => ({
      registration,
      resolved: resolveBindings(registration.metadata.name, registration.metadata.bindings, lookup, fail),
    }));
    for (const { registration, resolved } of functions) {
      this.resolved.set(registration, resolved);
      const { name } = registration.metadata;
      for (const [bindingName, values] of resolved) {
        const taskHub = values['taskHub'];
        if (taskHub && taskHub.toLowerCase() !== this.config.hubName.toLowerCase()) {
          this.hubClientBindings.set(`${name}/${bindingName}`, JSON.stringify(clientBindingJson(this.origin, taskHub)));
          this.log(
            'warning',
            `durable client '${bindingName}' names task hub '${taskHub}': the emulator runs one task hub (${this.config.hubName}), which serves this client too`,
            name,
          );
        }
        for (const property of ['orchestration', 'activity', 'entityName']) {
          const durableName = values[property];
          if (durableName && durableName.toLowerCase() !== name.toLowerCase()) {
            this.log(
              'warning',
              `the trigger's ${property} is '${durableName}' (its name on Azure): the emulator knows the function only as '${name}'`,
              name,
            );
          }
        }
      }
      const info = describe(registration, resolved);
      const outputs = (info.unsupportedBindings ?? []).filter((binding) => binding.direction === 'out');
      if (outputs.length > 0) this.discardedOutputs.set(registration, outputs);
    }
  }

  private clientBindingFor(functionName: string, bindingName: string): string {
    return this.hubClientBindings.get(`${functionName}/${bindingName}`) ?? this.clientBinding;
  }

  /** Logs each value the invocation set on an output the emulator does not write (nothing when none was set). */
  private reportDiscardedOutputs(registration: Registration, context: InvocationContextLike, result: unknown): void {
    const outputs = this.discardedOutputs.get(registration);
    if (!outputs) return;
    for (const message of discardedOutputMessages(outputs, { extraOutputs: context.extraOutputs, result })) {
      this.log('warning', message, registration.metadata.name);
    }
  }
}

/**
 * One line naming the app file that failed to load (with the line of the failing statement when the stack has
 * it) and the first line of the error: Node's own messages carry a multi-line "Require stack" that names only the
 * file, which this keeps.
 */
function describeLoadError(appDir: string, file: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split(/\r?\n/)[0]!.trim();
  const url = pathToFileURL(file).href;
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack.split('\n') : [];
  const frame = stack.find((line) => /^\s+at /.test(line) && (line.includes(file) || line.includes(url)));
  const position = frame ? /:(\d+):(\d+)\)?\s*$/.exec(frame) : null;
  return `${path.relative(appDir, file)}${position ? `:${position[1]}:${position[2]}` : ''}: ${message}`;
}

export class UnknownFunctionError extends Error {
  constructor(name: string) {
    super(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    this.name = 'UnknownFunctionError';
  }
}

function triggerBindingName(registration: Registration): string {
  const { bindings } = registration.metadata;
  return Object.keys(bindings).find((name) => isTrigger(bindings[name]!.type))!;
}

function describe(registration: Registration, resolved: ResolvedBindings | undefined): FunctionInfo {
  const { metadata } = registration;
  const trigger = Object.values(metadata.bindings).find((binding) => isTrigger(binding.type));
  const triggerType = trigger?.type ?? 'unknown';
  const kind: TriggerKind = TRIGGER_KINDS[triggerType.toLowerCase()] ?? 'other';
  const bindings = Object.entries(metadata.bindings).map(([name, binding]): BindingInfo => {
    const { type, direction, name: _name, ...properties } = binding;
    return {
      name,
      type,
      direction: direction === 'out' ? 'out' : 'in',
      properties: { ...properties, ...resolved?.get(name) },
    };
  });
  const info: FunctionInfo = { name: metadata.name, kind, triggerType, bindings };
  if (kind === 'http' && trigger) {
    info.route = typeof trigger.route === 'string' && trigger.route ? trigger.route : metadata.name;
    info.methods = Array.isArray(trigger.methods) ? trigger.methods.map((m) => String(m).toUpperCase()) : [];
  }
  const unsupported = unsupportedBindings(metadata.bindings, kind);
  if (unsupported.length > 0) info.unsupportedBindings = unsupported;
  return info;
}
