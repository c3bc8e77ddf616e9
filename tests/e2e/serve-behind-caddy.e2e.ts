// `wakedock serve` behind a TLS-terminating Caddy (the setup docs/features/edge.md recommends for
// remote access), seen from Chromium: the page loads over https, the WebSocket's https:// Origin is
// accepted because Caddy says X-Forwarded-Proto: https (it used to be refused, and the UI never
// connected), the session cookie is __Host- + Secure and the token leaves the address bar.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CADDY_BIN, tempDir } from '../support/caddy';
import { launchBrowser, startServe, type ServeProcess } from './support/harness';

const HOST = 'wakedock.localhost'; // *.localhost is loopback in Chromium; nothing leaves the machine

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

let serve: ServeProcess;
let browser: Browser;
let caddy: ChildProcess;
let caddyOut = '';
let httpsPort: number;
const dir = tempDir('edge-caddy');

beforeAll(async () => {
  if (!CADDY_BIN) throw new Error('caddy is not installed (apt-get install caddy)');
  serve = await startServe();
  httpsPort = await freePort();
  const httpPort = await freePort();
  const caddyfile = join(dir.dir, 'Caddyfile');
  writeFileSync(
    caddyfile,
    `{
\tadmin off
\tskip_install_trust
\tauto_https disable_redirects
\thttp_port ${httpPort}
\thttps_port ${httpsPort}
\tstorage file_system ${join(dir.dir, 'storage')}
}
${HOST} {
\ttls internal
\treverse_proxy ${new URL(serve.origin).host}
}
`,
  );
  caddy = spawn(CADDY_BIN, ['run', '--adapter', 'caddyfile', '--config', caddyfile], {
    env: { ...process.env, HOME: dir.dir, XDG_DATA_HOME: join(dir.dir, 'data'), XDG_CONFIG_HOME: join(dir.dir, 'config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  caddy.stdout!.on('data', (d) => (caddyOut += String(d)));
  caddy.stderr!.on('data', (d) => (caddyOut += String(d)));
  const t0 = Date.now();
  for (;;) {
    if (caddy.exitCode !== null) throw new Error(`caddy exited:\n${caddyOut}`);
    if (/serving initial configuration/.test(caddyOut)) break;
    if (Date.now() - t0 > 20_000) throw new Error(`caddy did not start in 20 s:\n${caddyOut}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (caddy && caddy.exitCode === null) {
    caddy.kill('SIGTERM');
    await new Promise((r) => caddy.once('exit', r));
  }
  await serve?.stop();
  dir.remove();
});

describe('serve behind Caddy (TLS at the proxy)', () => {
  it('the UI connects over https/wss with a Secure __Host- session cookie, and the token leaves the address bar', async () => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true }); // Caddy's internal CA is not trusted here
    const page = await ctx.newPage();
    const origin = `https://${HOST}:${httpsPort}`;
    await page.goto(`${origin}/?token=${encodeURIComponent(serve.token)}`);
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(`${origin}/`);
    const cookies = await ctx.cookies(origin);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: `__Host-wakedock_session_${new URL(serve.origin).port}`, secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookies[0]!.value).not.toContain(serve.token);
    // A reload at the clean https URL stays signed in (cookie over https, socket over wss).
    await page.reload();
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 15_000 });
    await ctx.close();
  });

  it('a page on another origin cannot open the WebSocket through the proxy, even with the cookie', async () => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await ctx.newPage();
    const origin = `https://${HOST}:${httpsPort}`;
    await page.goto(`${origin}/?token=${encodeURIComponent(serve.token)}`);
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 15_000 });
    // Another site in the same browser (plain http on the serve port's neighbour host name).
    const other = await ctx.newPage();
    await other.goto('about:blank');
    const result = await other.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      `wss://${HOST}:${httpsPort}/rpc`,
    );
    expect(result).toBe('refused');
    await ctx.close();
  });
});
