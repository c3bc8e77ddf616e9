// Access control and validation of serve mode, seen from a real browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startServe, type ServeProcess } from './support/harness';

let serve: ServeProcess;
let browser: Browser;

beforeAll(async () => {
  serve = await startServe();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('serve mode access (e2e)', () => {
  it('prints a URL with the token, on 127.0.0.1', () => {
    expect(serve.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${serve.token}$`));
  });

  it('refuses a wrong or missing token with a clear page, never the UI', async () => {
    const page = await browser.newPage();
    for (const url of [`${serve.origin}/?token=wrong-${serve.token}`, `${serve.origin}/`]) {
      const res = await page.goto(url);
      expect(res?.status()).toBe(401);
      expect(await page.getByRole('heading', { name: 'Access refused' }).count()).toBe(1);
      expect(await page.locator('#root').count()).toBe(0);
    }
    // A WebSocket to the core without the token is refused too.
    const wsResult = await page.evaluate(
      (origin) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(origin.replace('http', 'ws') + '/rpc?token=nope');
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      serve.origin,
    );
    expect(wsResult).toBe('refused');
    await page.close();
  });

  it('answers /healthz with JSON', async () => {
    const res = await fetch(`${serve.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('answers an invalid procedure input with VALIDATION naming the field', async () => {
    const page = await browser.newPage();
    await page.goto(serve.url);
    const replies = await page.evaluate(
      (origin) =>
        new Promise<unknown[]>((resolve) => {
          // Cookie set by the page load authenticates the socket, as for the app itself.
          const ws = new WebSocket(origin.replace('http', 'ws') + '/rpc');
          const got: unknown[] = [];
          ws.onmessage = (m) => {
            got.push(JSON.parse(String(m.data)));
            if (got.length === 3) resolve(got);
          };
          ws.onopen = () => {
            ws.send(JSON.stringify({ t: 'call', id: 1, p: 'containers.start', i: { hostId: 'local', id: '' } }));
            ws.send(JSON.stringify({ t: 'call', id: 2, p: 'containers.rename', i: { hostId: 'local', id: 'abc', name: '-x' } }));
            ws.send(JSON.stringify({ t: 'call', id: 3, p: 'containers.explode', i: {} }));
          };
        }),
      serve.origin,
    );
    const byId = Object.fromEntries((replies as { id: number; ok: boolean; error: { code: string; field?: string; message: string } }[]).map((r) => [r.id, r]));
    expect(byId[1]).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'id' } });
    expect(byId[2]).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'name' } });
    expect(byId[2]!.error.message).toMatch(/name/);
    expect(byId[3]).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
    await page.close();
  });
});
