/**
 * User HTTP triggers on the CommonJS fixture, through the @azure/functions v4 request/response API: route
 * templates (optional params, constraints), methods, query, headers, bodies of every kind, status, headers and
 * cookies, a throwing handler, unknown routes; app hooks; local.settings.json Values in process.env.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURES, startEmulator, type Emulator } from './harness.js';

interface Echo {
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: { 'x-test': string | null };
  body: string;
  setting: string;
  appStartCount: number;
}

describe('HTTP triggers (js-cjs)', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
  });
  after(() => emu.stop());

  const get = (route: string, init?: RequestInit) => fetch(`${emu.url}${route}`, init);

  test('GET with route param, query and header; settings and hooks', async () => {
    const res = await get('/api/echo/42?a=1&b=two', { headers: { 'x-test': 'hello' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    // postInvocation saw the preInvocation hookData of the same invocation.
    assert.equal(res.headers.get('x-hook'), 'pre=echo;post=1');
    const body = (await res.json()) as Echo;
    assert.equal(body.method, 'GET');
    assert.deepEqual(body.params, { id: '42' });
    assert.deepEqual(body.query, { a: '1', b: 'two' });
    assert.equal(body.headers['x-test'], 'hello');
    assert.equal(body.body, '');
    assert.equal(new URL(body.url).pathname, '/api/echo/42');
    assert.equal(body.setting, 'from-local-settings');
    assert.equal(body.appStartCount, 1);
  });

  test('optional route param may be omitted', async () => {
    const res = await get('/api/echo');
    assert.equal(res.status, 200);
    const body = (await res.json()) as Echo;
    assert.equal(body.params['id'], undefined);
  });

  test('POST body reaches the handler as text', async () => {
    const res = await get('/api/echo/x', {
      method: 'POST',
      body: 'some "body" ✓',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Echo;
    assert.equal(body.method, 'POST');
    assert.equal(body.body, 'some "body" ✓');
  });

  test('a method the trigger does not accept is a 404', async () => {
    assert.equal((await get('/api/echo/1', { method: 'DELETE' })).status, 404);
    assert.equal((await get('/api/text', { method: 'POST' })).status, 404);
  });

  test('status, custom header and cookie; int constraint', async () => {
    const res = await get('/api/status/201');
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-custom'), 'custom-value');
    const cookie = res.headers.getSetCookie().join('\n');
    assert.match(cookie, /^fixture=yes/);
    assert.match(cookie, /Path=\//);
    assert.match(cookie, /HttpOnly/i);
    assert.equal(await res.text(), 'status 201');
    const noContent = await get('/api/status/204');
    assert.equal(noContent.status, 204);
    assert.equal(await noContent.text(), '');
    assert.equal((await get('/api/status/abc')).status, 404);
  });

  test('text, stream and Buffer bodies', async () => {
    const text = await get('/api/text');
    assert.equal(text.status, 200);
    assert.match(text.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(text.headers.get('x-hook'), 'pre=text;post=1');
    assert.equal(await text.text(), 'plain text response');
    for (const query of ['', '?kind=buffer']) {
      const res = await get(`/api/stream${query}`);
      assert.equal(res.status, 200, query);
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      assert.equal(await res.text(), 'chunk-1\nchunk-2\nchunk-3\n', query);
    }
  });

  test('a throwing handler is a 500 and the emulator keeps serving', async () => {
    const res = await get('/api/throws');
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-hook'), null);
    await res.arrayBuffer();
    const again = await get('/api/throws', { method: 'POST', body: 'x' });
    assert.equal(again.status, 500);
    await again.arrayBuffer();
    const ok = await get('/api/echo/after');
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as Echo).params['id'], 'after');
    assert.match(emu.output(), /HTTP handler failed on purpose/);
  });

  test('unknown routes are 404', async () => {
    assert.equal((await get('/api/no-such-route')).status, 404);
    assert.equal((await get('/nothing/here')).status, 404);
  });

  test('appStart ran exactly once', async () => {
    const starts = emu.output().match(/\[fixture js-cjs\] appStart hook ran/g) ?? [];
    assert.equal(starts.length, 1);
  });
});
