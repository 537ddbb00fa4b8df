/** Converts what an HTTP-triggered function returned into the bytes the emulator's server writes back. */
import type { WorkerHttpResponse } from '../../protocol/http.js';
import type { InvocationContextLike, InvocationModel } from './coreApi.js';

interface RpcCookie {
  name: string;
  value: string;
  domain?: { value?: string };
  path?: { value?: string };
  expires?: { value?: { seconds?: number } };
  secure?: { value?: boolean };
  httpOnly?: { value?: boolean };
  sameSite?: number;
  maxAge?: { value?: number };
}

interface RpcHttp {
  statusCode?: string;
  headers?: Record<string, string>;
  cookies?: RpcCookie[];
  body?: { bytes?: Uint8Array; string?: string };
}

const SAME_SITE = ['', 'Lax', 'Strict', 'None'];

function formatCookie(cookie: RpcCookie): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  if (cookie.expires?.value?.seconds !== undefined) {
    parts.push(`Expires=${new Date(cookie.expires.value.seconds * 1000).toUTCString()}`);
  }
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = SAME_SITE[cookie.sameSite ?? 0];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

function findHttp(value: unknown): RpcHttp | undefined {
  if (value && typeof value === 'object' && 'http' in value) return (value as { http: RpcHttp }).http;
  return undefined;
}

export async function toWorkerHttpResponse(
  model: InvocationModel,
  context: InvocationContextLike,
  result: unknown,
): Promise<WorkerHttpResponse> {
  const response = await model.getResponse(context, result);
  let http = findHttp(response.returnValue);
  for (const output of response.outputData ?? []) {
    http ??= findHttp((output as { data?: unknown }).data);
  }
  if (!http) return { status: 204, headers: {}, cookies: [] };
  const body = http.body?.bytes ?? (http.body?.string !== undefined ? Buffer.from(http.body.string) : undefined);
  return {
    status: Number(http.statusCode) || 200,
    headers: { ...(http.headers ?? {}) },
    cookies: (http.cookies ?? []).map(formatCookie),
    ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}),
  };
}
