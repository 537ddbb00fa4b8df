/** HTTP requests and responses as they cross from the emulator's server to the app worker and back. */

export interface HttpTriggerRoute {
  functionName: string;
  /** The route template without the route prefix, e.g. `counter/{id}` or `orchestrators/{name}/{id?}`. */
  route: string;
  /** Upper-case methods; empty means every method. */
  methods: string[];
}

export interface WorkerHttpRequest {
  method: string;
  /** Absolute URL as the client sent it (origin from the Host header). */
  url: string;
  headers: Record<string, string>;
  /** Route parameters matched from the template. */
  params: Record<string, string>;
  query: Record<string, string>;
  body?: Uint8Array;
}

export interface WorkerHttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** `Set-Cookie` header values already formatted. */
  cookies: string[];
  body?: Uint8Array;
}

/** Runs user HTTP triggers; implemented by the engine on top of the app worker. */
export interface HttpTriggerInvoker {
  routes(): HttpTriggerRoute[];
  invoke(functionName: string, request: WorkerHttpRequest): Promise<WorkerHttpResponse>;
}
