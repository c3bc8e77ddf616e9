// Access control and validation of serve mode, seen from a real browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startServe, type ServeProcess } from './support/harness';

const connected = '[data-testid="connection-state"][data-state="connected"]';

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

  it('the token leaves the address bar; the session cookie is HttpOnly, per port, and is not the token; a reload at the clean URL stays signed in', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${serve.url}#/alerts`);
    await page.locator(connected).waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(`${serve.origin}/#/alerts`);
    expect(page.url()).not.toContain(serve.token);
    const cookies = await ctx.cookies();
    expect(cookies.map((c) => c.name)).toEqual([`wakedock_session_${new URL(serve.origin).port}`]);
    expect(cookies[0]!.httpOnly).toBe(true);
    expect(cookies[0]!.sameSite).toBe('Strict');
    expect(cookies[0]!.value).not.toContain(serve.token);
    expect(await page.evaluate('document.cookie')).toBe(''); // script cannot read it
    await page.reload();
    await page.locator(connected).waitFor({ timeout: 15_000 });
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await ctx.close();
  });

  it('two WakeDock servers on one host name: opening the second does not blank the first tab (lazy views, reload, reconnect)', async () => {
    const other = await startServe();
    const ctx = await browser.newContext(); // one cookie jar, as in a user's browser
    try {
      const a = await ctx.newPage();
      await a.goto(serve.url);
      await a.locator(connected).waitFor({ timeout: 15_000 });
      const b = await ctx.newPage();
      await b.goto(other.url);
      await b.locator(connected).waitFor({ timeout: 15_000 });
      // Back in A: a view whose code is loaded on demand (its chunk needs A's cookie).
      const failed: string[] = [];
      a.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
      });
      await a.evaluate("location.hash = '#/alerts'");
      await a.getByRole('heading', { name: 'Alerts' }).waitFor({ timeout: 10_000 });
      await a.reload();
      await a.locator(connected).waitFor({ timeout: 15_000 });
      await b.reload();
      await b.locator(connected).waitFor({ timeout: 15_000 });
      expect(failed).toEqual([]);
      const names = (await ctx.cookies()).map((c) => c.name).sort();
      expect(names).toEqual([`wakedock_session_${new URL(other.origin).port}`, `wakedock_session_${new URL(serve.origin).port}`].sort());
    } finally {
      await ctx.close();
      await other.stop();
    }
  });

  it('serves the UI compressed, with hashed assets cached privately and index.html never cached', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const seen: { url: string; encoding?: string; cache?: string }[] = [];
    page.on('response', (r) => {
      const h = r.headers();
      seen.push({ url: r.url(), encoding: h['content-encoding'], cache: h['cache-control'] });
    });
    await page.goto(serve.url);
    await page.locator(connected).waitFor({ timeout: 15_000 });
    const doc = seen.find((s) => s.url.startsWith(`${serve.origin}/?token=`));
    expect(doc?.cache).toBe('no-store');
    const scripts = seen.filter((s) => /\/assets\/.*\.js$/.test(s.url));
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s.cache, s.url).toBe('private, max-age=31536000, immutable');
    const main = scripts.find((s) => /\/assets\/index-[^/]+\.js$/.test(s.url));
    expect(main?.encoding).toBe('br'); // the app's bundle (files under 1 KiB go as they are)
    await ctx.close();
  });

  it('Settings says plainly that the token is root-equivalent on the engine host', async () => {
    const page = await browser.newPage();
    await page.goto(serve.url);
    await page.locator(connected).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Settings' }).click();
    const warning = page.getByTestId('token-warning');
    await warning.waitFor();
    expect(await warning.innerText()).toMatch(/Root-equivalent on the engine.s host/);
    expect(await warning.innerText()).toMatch(/whether or not host terminals are enabled/);
    await page.close();
  });

  it('when the server comes back with another token, the open tab shows the access refused page instead of retrying forever', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((ok) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => ok(p));
      });
    });
    const first = await startServe({ args: ['--port', String(port)] });
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    let second: ServeProcess | undefined;
    try {
      await page.goto(first.url);
      await page.locator(connected).waitFor({ timeout: 15_000 });
      await first.stop();
      second = await startServe({ args: ['--port', String(port)] }); // a new token
      await page.getByRole('heading', { name: 'Access refused' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#root').count()).toBe(0);
    } finally {
      await ctx.close();
      await first.stop();
      await second?.stop();
    }
  });
});
