/**
 * Provides the `@azure/functions-core` module that the Node language worker normally creates at run time
 * (protocol reference §1.2). It must be installed before any user file loads: `@azure/functions` looks the
 * module up once, and without it switches to "test mode" and silently skips every registration.
 */
import Module from 'node:module';

export interface RegisteredBinding {
  type: string;
  name?: string;
  direction?: string;
  route?: string;
  methods?: string[];
  [key: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RegisteredBinding>;
  [key: string]: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface Registration {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
type HookCallback = (context: Record<string, unknown>) => unknown;

/** The programming model object `@azure/functions` registers (typed loosely: it is the library's class). */
export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: unknown): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: InvocationContextLike; inputs: unknown[] }>;
  invokeFunction(context: InvocationContextLike, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(
    context: InvocationContextLike,
    result: unknown,
  ): Promise<{ returnValue?: unknown; outputData?: unknown[] }>;
}

export interface InvocationContextLike {
  functionName: string;
  invocationId: string;
  /** What the handler set with `context.extraOutputs.set(binding, value)`. */
  extraOutputs?: { get(name: string): unknown };
}

class Disposable {
  constructor(private readonly onDispose: () => void) {}
  dispose(): void {
    this.onDispose();
  }
}

/** The registry the core API fills while the app loads. One per worker process. */
export class CoreRegistry {
  readonly functions = new Map<string, Registration>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    appStart: [],
    appTerminate: [],
    preInvocation: [],
    postInvocation: [],
    log: [],
  };
  programmingModel: ProgrammingModel | undefined;
  /** Shared between all hooks of the app, like the worker's `appHookData`. */
  readonly appHookData: Record<string, unknown> = {};
  private locked = false;

  constructor(private readonly onLog: (level: string, category: string, message: string) => void) {}

  /** After start-up the real worker refuses new registrations; so do we. */
  lock(): void {
    this.locked = true;
  }

  createModule(): Record<string, unknown> {
    return {
      version: '3.10.1',
      hostVersion: '4.1000.0',
      registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) => {
        if (this.locked) {
          throw new Error(`A function can only be registered during app startup (function "${metadata.name}").`);
        }
        const key = metadata.name.toLowerCase();
        if (this.functions.has(key)) {
          throw new Error(`Duplicate function name "${metadata.name}": a function app cannot register a name twice.`);
        }
        this.functions.set(key, { metadata, callback });
        return new Disposable(() => this.functions.delete(key));
      },
      registerHook: (name: HookName, callback: HookCallback) => {
        const list = this.hooks[name];
        if (!list) throw new RangeError(`Unknown hook "${String(name)}"`);
        list.push(callback);
        return new Disposable(() => {
          const index = list.indexOf(callback);
          if (index >= 0) list.splice(index, 1);
        });
      },
      setProgrammingModel: (model: ProgrammingModel) => {
        this.programmingModel = model;
      },
      getProgrammingModel: () => this.programmingModel,
      log: (level: string, category: string, message: string) => this.onLog(level, category, message),
      Disposable,
    };
  }
}

let installed: CoreRegistry | undefined;

/**
 * Makes `require('@azure/functions-core')` answer with the registry's module, the way the real worker does
 * (a Proxy on `Module.prototype.require`). ESM apps are covered too: `@azure/functions` is CommonJS.
 */
export function installCoreModule(registry: CoreRegistry): void {
  if (installed) throw new Error('@azure/functions-core is already installed in this process');
  installed = registry;
  const coreModule = registry.createModule();
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  proto.require = new Proxy(proto.require, {
    apply(target, thisArg, args: [string]) {
      return args[0] === '@azure/functions-core' ? coreModule : Reflect.apply(target, thisArg, args);
    },
  });
}
