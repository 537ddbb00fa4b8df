/**
 * `context.df.callHttp`: the host itself makes the request (activity `BuiltIn::HttpActivity` on the real host)
 * and records the response as `{statusCode, headers, content}`.
 */
import type { DurableHttpRequestWire } from './model.js';

export interface DurableHttpResponseWire {
  statusCode: number;
  headers: Record<string, string>;
  content: string;
}

const DEFAULT_TIMEOUT_MS = 100_000;

/** The request's method (GET when absent) and headers, each header's values joined as HTTP sends them. */
export function requestLine(request: DurableHttpRequestWire): { method: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { method: (request.method || 'GET').toUpperCase(), headers };
}

export async function executeHttpRequest(request: DurableHttpRequestWire): Promise<DurableHttpResponseWire> {
  const { method, headers } = requestLine(request);
  const response = await fetch(request.uri, {
    method,
    headers,
    ...(request.content !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: request.content } : {}),
    redirect: 'follow',
    signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS),
  });
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  return { statusCode: response.status, headers: responseHeaders, content: await response.text() };
}
