/**
 * The test host's function runner: the app worker behind it, with activity mocks, injected failures and a record
 * of every activity call in front. Mocks and fault rules run here, in the test's own process, so a test runner's
 * mock functions (`vi.fn()`, `jest.fn()`, `mock.fn()`) see their calls.
 */
import type { FunctionInfo, Invocation, InvocationResult } from '../emulator/host/protocol.js';
import { InvocationError, type FunctionRunner } from '../emulator/host/runner.js';
import type { DurableHttpRequestWire } from '../emulator/engine/model.js';
import { requestLine, type DurableHttpResponseWire } from '../emulator/engine/httpActivity.js';
import type { ActivityCall, ActivityMock, CallHttpMock, CallHttpRequest, FailActivityOptions } from './types.js';

interface Fault {
  remaining: number;
  error: Error;
}

export class MockRunner implements FunctionRunner {
  private functions: FunctionInfo[] = [];
  private readonly mocks = new Map<string, ActivityMock>();
  private readonly faults = new Map<string, Fault>();
  private readonly recorded = new Map<string, ActivityCall[]>();
  private httpMock: CallHttpMock | undefined;

  constructor(private readonly worker: FunctionRunner) {}

  async start(): Promise<FunctionInfo[]> {
    this.functions = await this.worker.start();
    return this.functions;
  }

  async reload(): Promise<FunctionInfo[]> {
    this.functions = await this.worker.reload();
    return this.functions;
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  mockActivity(name: string, mock: ActivityMock): void {
    this.mocks.set(this.activityKey(name, 'mockActivity'), mock);
  }

  failActivity(name: string, options: FailActivityOptions): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 0)
      throw new TypeError(`failActivity('${name}'): times must be a whole number >= 0, got ${String(times)}`);
    const error = options.error ?? `Injected failure of activity '${name}'`;
    this.faults.set(this.activityKey(name, 'failActivity'), {
      remaining: times,
      error: typeof error === 'string' ? injected(name, error) : error,
    });
  }

  mockCallHttp(mock: CallHttpMock | undefined): void {
    this.httpMock = mock;
  }

  calls(name: string): ActivityCall[] {
    return [...(this.recorded.get(name.toLowerCase()) ?? [])];
  }

  /** Forgets mocks, faults and recorded calls. */
  clear(): void {
    this.mocks.clear();
    this.faults.clear();
    this.recorded.clear();
    this.httpMock = undefined;
  }

  /** `context.df.callHttp`: the mock when there is one, else a real request (as the emulator makes it). */
  async callHttp(
    request: DurableHttpRequestWire,
    send: (request: DurableHttpRequestWire) => Promise<DurableHttpResponseWire>,
  ): Promise<DurableHttpResponseWire> {
    if (!this.httpMock) return send(request);
    const { method, headers } = requestLine(request);
    const asked: CallHttpRequest = { method, url: request.uri, headers, content: request.content ?? null };
    const answer = await this.httpMock(asked);
    const content = answer.content ?? answer.body;
    return {
      statusCode: answer.statusCode ?? 200,
      headers: Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k, String(v)])),
      content: content === undefined ? '' : typeof content === 'string' ? content : JSON.stringify(content),
    };
  }

  async invoke(call: Invocation, standalone?: () => Invocation): Promise<InvocationResult> {
    if (call.kind !== 'activity') return this.worker.invoke(call, standalone);
    const key = call.functionName.toLowerCase();
    const input: unknown = call.input === null ? undefined : JSON.parse(call.input);
    const record: ActivityCall = { instanceId: call.instanceId, input, attempt: this.attemptOf(key, call) };
    const list = this.recorded.get(key) ?? [];
    this.recorded.set(key, list);
    list.push(record);
    try {
      const fault = this.faults.get(key);
      if (fault && fault.remaining > 0) {
        fault.remaining--;
        throw fault.error;
      }
      const mock = this.mocks.get(key);
      if (!mock) {
        const result = await this.worker.invoke(call, standalone);
        if (result.kind === 'activity') record.result = JSON.parse(result.resultJson) as unknown;
        return result;
      }
      const value: unknown = await mock(input, { instanceId: call.instanceId, attempt: record.attempt });
      record.result = value;
      return { kind: 'activity', resultJson: JSON.stringify(value) ?? 'null' };
    } catch (error) {
      const failure = error instanceof InvocationError ? error : asInvocationError(error);
      record.error = new Error(failure.error.message);
      throw failure;
    }
  }

  /** 1 for a first call; one more for each failed call of the same activity, instance and input before it. */
  private attemptOf(key: string, call: Extract<Invocation, { kind: 'activity' }>): number {
    const input = call.input;
    let attempt = 1;
    for (const earlier of this.recorded.get(key) ?? []) {
      if (earlier.instanceId !== call.instanceId || JSON.stringify(earlier.input ?? null) !== (input ?? 'null'))
        continue;
      attempt = earlier.error ? earlier.attempt + 1 : 1;
    }
    return attempt;
  }

  /** The registered activity's key; a name the app does not register is refused with the names it does. */
  private activityKey(name: string, method: string): string {
    const activities = this.functions.filter((fn) => fn.kind === 'activity').map((fn) => fn.name);
    if (!activities.some((known) => known.toLowerCase() === name.toLowerCase())) {
      throw new Error(
        `${method}('${name}'): the app registers no activity of that name` +
          (activities.length ? `; its activities are ${activities.map((a) => `'${a}'`).join(', ')}` : ''),
      );
    }
    return name.toLowerCase();
  }
}

function asInvocationError(error: unknown): InvocationError {
  if (error instanceof Error) {
    return new InvocationError({ name: error.name, message: error.message, stack: error.stack ?? error.message });
  }
  const message = typeof error === 'string' ? error : JSON.stringify(error);
  return new InvocationError({ name: 'Error', message: String(message), stack: `Error: ${String(message)}` });
}

/** The error of an injected failure: its stack names the injection, not this file. */
function injected(name: string, message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}\n    at failActivity('${name}') (durable-studio/testing)`;
  return error;
}
