// The private Caddy against the real Caddy 2.6.2: the config WakeDock builds routes a service host to
// its upstream, sends a dead upstream's GET to the waker and answers a POST with 503 + Retry-After;
// a refused config leaves the old one running; merge mode never touches foreign routes; a killed Caddy
// comes back with its config; Caddy counts each service's answered requests (not ignored ones) where
// WakeDock reads them (/reverse_proxy/upstreams), with no access log.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaddyAdminClient, CaddyAdminError } from '../../../src-main/core/caddy/caddy-admin-client';
import { ACTIVITY_WINDOW_MS, buildConfig, buildServer, mergeOwned, type CaddyConfigInput } from '../../../src-main/core/caddy/caddy-config';
import { ADMIN_ORIGIN, CaddySupervisor } from '../../../src-main/core/caddy/caddy-supervisor';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import { freePort, waitFor } from '../../support/docker-fixtures';
import { CADDY_BIN, httpTo, startHttp, tempDir, type TestServer } from '../../support/caddy';

describe.skipIf(!CADDY_BIN)('private Caddy (real 2.6.2)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sup: CaddySupervisor;
  let app: TestServer;
  let waker: TestServer;
  let port: number;
  let input: CaddyConfigInput;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeEach(async () => {
    tmp = tempDir('caddy');
    app = await startHttp('hello from the app');
    waker = await startHttp('waker here');
    port = await freePort();
    sup = new CaddySupervisor({ dir: tmp.dir, logger: silentLogger, backoffMinMs: 100, backoffMaxMs: 500 });
    input = {
      adminListen: sup.adminListen,
      adminOrigin: ADMIN_ORIGIN,
      listen: `127.0.0.1:${port}`,
      waker: `127.0.0.1:${waker.port}`,
      fallback: `127.0.0.1:${await freePort()}`,
      services: [{ name: 'app', hosts: ['app.localhost'], upstream: `127.0.0.1:${app.port}` }],
    };
    await sup.start(buildConfig(input));
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
    await sup.dispose();
    await app.close();
    await waker.close();
    tmp.remove();
  });

  it('routes a service host to its upstream, a dead upstream to the waker, and a POST to the waker as a GET without its body', async () => {
    const up = await httpTo(port, 'app.localhost', '/hello', { headers: { 'User-Agent': 'wd-test/1' } });
    expect(up.status).toBe(200);
    expect(up.body).toBe('hello from the app');

    await app.close();
    const down = await httpTo(port, 'app.localhost', '/page');
    expect(down.body).toBe('waker here');
    expect(waker.hits.at(-1)?.headers['x-wakedock-error']).toBe('502');
    expect(waker.hits.at(-1)?.headers.host).toBe('app.localhost');

    // The body is gone after the first attempt: the waker gets a GET of the same URL, no body, and
    // the method in X-WakeDock-Rejected (it answers 503 + Retry-After and wakes; here the test server answers).
    const post = await httpTo(port, 'app.localhost', '/api?x=1', { method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
    expect(post.body).toBe('waker here');
    const hit = waker.hits.at(-1);
    expect(hit).toMatchObject({ method: 'GET', url: '/api?x=1' });
    expect(hit?.headers['x-wakedock-rejected']).toBe('POST');
    expect(hit?.headers['content-length']).toBeUndefined();
    expect(hit?.headers['host']).toBe('app.localhost');
    // A GET that claims to be a rejected body is not believed: the header is removed on the way.
    await httpTo(port, 'app.localhost', '/page', { headers: { 'X-WakeDock-Rejected': 'DELETE' } });
    expect(waker.hits.at(-1)?.headers['x-wakedock-rejected']).toBeUndefined();

    const status = await httpTo(port, 'app.localhost', '/__wakedock/status');
    expect(status.body).toBe('waker here');
  });

  it('when the waker does not answer, a sleeping service gets Caddy\'s own page (503, why, retry), not a bare 502; the waker back, it answers again', async () => {
    await app.close();
    await waker.close();
    const page = await httpTo(port, 'app.localhost', '/page', { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers['x-wakedock']).toBe('unavailable');
    expect(page.headers['retry-after']).toBe('5');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('WakeDock is not running');
    const api = await httpTo(port, 'app.localhost', '/api/x');
    expect(api.status).toBe(503);
    expect(api.headers['content-type']).toMatch(/text\/plain/);
    expect(api.body).toMatch(/WakeDock, which wakes it, is not running/);
    // The loading page's status polling gets the same answer instead of a reset connection.
    expect((await httpTo(port, 'app.localhost', '/__wakedock/status')).status).toBe(503);
    // The waker listens again on its port: after the 1 s the passive check remembers the failure, it answers.
    waker = await startHttp('waker here', waker.port);
    await waitFor('the waker answers again', async () => (await httpTo(port, 'app.localhost', '/page')).body === 'waker here', { timeoutMs: 10_000 });
  });

  it('replicas: requests are spread round-robin over every upstream, a replica failing its health check gets none', async () => {
    const b = await startHttp('replica b');
    cleanups.push(() => b.close());
    const svc = { name: 'app', hosts: ['app.localhost'], upstream: `127.0.0.1:${app.port}`, upstreams: [`127.0.0.1:${app.port}`, `127.0.0.1:${b.port}`] };
    await sup.apply(buildConfig({ ...input, services: [svc] }));
    await waitFor('both replicas answer', async () => {
      const bodies = new Set<string>();
      for (let i = 0; i < 4; i++) bodies.add((await httpTo(port, 'app.localhost', '/')).body);
      return bodies.size === 2;
    });
    const counts = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const r = await httpTo(port, 'app.localhost', '/');
      counts.set(r.body, (counts.get(r.body) ?? 0) + 1);
    }
    expect(counts.get('hello from the app')).toBe(10);
    expect(counts.get('replica b')).toBe(10);

    // `first` with a health URI: everything to the first healthy replica; the first down → the second.
    await sup.apply(buildConfig({ ...input, services: [{ ...svc, policy: 'first', healthUri: '/health', healthInterval: '200ms' }] }));
    await waitFor('first replica only', async () => (await httpTo(port, 'app.localhost', '/')).body === 'hello from the app');
    await app.close();
    await waitFor('the health check drops the first replica', async () => (await httpTo(port, 'app.localhost', '/')).body === 'replica b', { timeoutMs: 10_000 });
    for (let i = 0; i < 5; i++) expect((await httpTo(port, 'app.localhost', '/')).body).toBe('replica b');
    await b.close();
    await waitFor('all replicas down: the waker', async () => (await httpTo(port, 'app.localhost', '/')).body === 'waker here', { timeoutMs: 10_000 });
  });

  it('Caddy counts each service\'s answered requests for WakeDock, not an ignored user agent\'s or path\'s, and forgets them after the window', async () => {
    const client = new CaddyAdminClient({ listen: sup.adminListen, origin: ADMIN_ORIGIN });
    const counts = async (): Promise<{ fails: number; num_requests: number } | undefined> => (await client.upstreams()).find((u) => u.address === `127.0.0.1:${app.port}`);
    await sup.apply(buildConfig({ ...input, services: [{ ...input.services[0]!, ignore: { user_agents: ['Uptime-Kuma'], paths: ['/health'] } }] }));
    // Nothing counted yet (another test's requests would be forgotten by now: each test has its own Caddy).
    await waitFor('no requests counted', async () => (await counts())?.fails === 0, { timeoutMs: ACTIVITY_WINDOW_MS + 10_000 });
    // An ignored monitor hammers it: answered by the app, never counted.
    for (let i = 0; i < 20; i++) {
      const r = await httpTo(port, 'app.localhost', '/', { headers: { 'User-Agent': 'Mozilla/5.0 (compatible; uptime-kuma/1.23)' } });
      expect(r.body).toBe('hello from the app');
      expect((await httpTo(port, 'app.localhost', '/HEALTH/live')).body).toBe('hello from the app');
    }
    expect(await counts()).toMatchObject({ fails: 0, num_requests: 0 });
    // Their requests are Caddy's under the address they dial (tcp/…): apart from the service's own.
    expect((await client.upstreams()).map((u) => u.address)).toContain(`tcp/127.0.0.1:${app.port}`);
    // Real requests are counted, one each, and the upstream stays in use (never marked down).
    for (let i = 0; i < 5; i++) expect((await httpTo(port, 'app.localhost', '/healthy', { headers: { 'User-Agent': 'curl/8' } })).body).toBe('hello from the app');
    const c = await counts();
    expect(c?.fails, JSON.stringify(c)).toBe(5);
    // Caddy forgets them after ACTIVITY_WINDOW_MS.
    await waitFor('the count forgotten', async () => (await counts())?.fails === 0, { timeoutMs: ACTIVITY_WINDOW_MS + 10_000 });
  });

  it('a config Caddy refuses is not applied and the old one keeps serving', async () => {
    const bad = buildConfig(input);
    const server = (bad.apps as { http: { servers: { wakedock: { routes: { handle: { handler: string }[] }[] } } } }).http.servers.wakedock;
    server.routes[1]!.handle[0]!.handler = 'no_such_handler';
    await expect(sup.apply(bad)).rejects.toThrow(/no_such_handler|unknown module/);
    const still = await httpTo(port, 'app.localhost', '/');
    expect(still.body).toBe('hello from the app');

    const dup = buildConfig({ ...input, services: [...input.services, { name: 'b', hosts: ['app.localhost'], upstream: '127.0.0.1:1' }] });
    await expect(sup.apply(dup)).rejects.toBeInstanceOf(CaddyAdminError);
    expect((await httpTo(port, 'app.localhost', '/')).body).toBe('hello from the app');
  });

  it('merge mode replaces only WakeDock\'s server and keeps a foreign server and its routes', async () => {
    const other = await startHttp('someone else');
    cleanups.push(() => other.close());
    const otherPort = await freePort();
    const client = new CaddyAdminClient({ listen: sup.adminListen, origin: ADMIN_ORIGIN });
    const current = (await client.getConfig()) as Record<string, unknown>;
    const foreign = structuredClone(current) as { apps: { http: { servers: Record<string, unknown> } } };
    foreign.apps.http.servers.theirs = {
      listen: [`127.0.0.1:${otherPort}`],
      automatic_https: { disable: true },
      routes: [{ '@id': 'their-route', handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${other.port}` }] }] }],
    };
    await client.load(foreign as Record<string, unknown>);

    const changed = buildConfig({ ...input, services: [{ name: 'app', hosts: ['app2.localhost'], upstream: `127.0.0.1:${app.port}` }] });
    await client.apply(changed, 'merge');
    const after = (await client.getConfig()) as { apps: { http: { servers: Record<string, { routes: unknown[] }> } } };
    expect(after.apps.http.servers.theirs).toEqual(foreign.apps.http.servers.theirs);
    expect((await httpTo(otherPort, 'x', '/')).body).toBe('someone else');
    expect((await httpTo(port, 'app2.localhost', '/')).body).toBe('hello from the app');
    expect(mergeOwned(null, changed)).toMatchObject({ apps: { http: { servers: { wakedock: buildServer({ ...input, services: [{ name: 'app', hosts: ['app2.localhost'], upstream: `127.0.0.1:${app.port}` }] }) } } } });
  });

  it('a killed Caddy is started again with its config, and a foreign load is undone', async () => {
    const changed = buildConfig({ ...input, services: [{ name: 'app', hosts: ['changed.localhost'], upstream: `127.0.0.1:${app.port}` }] });
    await sup.apply(changed);
    const pid = sup.pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('caddy restarted', () => sup.state.status === 'running' && sup.pid !== pid, { timeoutMs: 15_000 });
    expect(sup.starts).toBe(2);
    const back = await waitFor('route back', async () => {
      const r = await httpTo(port, 'changed.localhost', '/');
      return r.body === 'hello from the app' ? r : null;
    });
    expect(back.status).toBe(200);

    // Someone loads a config without our server: ensureApplied puts ours back.
    await sup.client.load({ admin: { listen: sup.adminListen, origins: [ADMIN_ORIGIN] } });
    await expect(httpTo(port, 'changed.localhost', '/', { timeoutMs: 2000 })).rejects.toThrow();
    expect(await sup.ensureApplied()).toBe(true);
    expect((await httpTo(port, 'changed.localhost', '/')).body).toBe('hello from the app');
    expect(await sup.ensureApplied()).toBe(false);
  });
});

describe.skipIf(!CADDY_BIN)('a Caddy that is slow to start (real 2.6.2)', () => {
  it('a start that times out kills the slow child, says restarting (not starting for ever), and the retry runs the config', async () => {
    const tmp = tempDir('caddyslow');
    const app = await startHttp('hello from the app');
    const port = await freePort();
    // The first start sleeps before becoming Caddy (as on a loaded machine); later starts are quick.
    const bin = join(tmp.dir, 'slow-caddy.sh');
    writeFileSync(bin, `#!/bin/sh\nif [ ! -e "${tmp.dir}/started-once" ]; then touch "${tmp.dir}/started-once"; echo $$ > "${tmp.dir}/first.pid"; sleep 3; fi\nexec ${CADDY_BIN} "$@"\n`, { mode: 0o755 });
    const sup = new CaddySupervisor({ dir: tmp.dir, logger: silentLogger, bin, startTimeoutMs: 700, backoffMinMs: 100, backoffMaxMs: 500 });
    try {
      const config = buildConfig({ adminListen: sup.adminListen, adminOrigin: ADMIN_ORIGIN, listen: `127.0.0.1:${port}`, waker: `127.0.0.1:${app.port}`, services: [{ name: 'app', hosts: ['app.localhost'], upstream: `127.0.0.1:${app.port}` }] });
      await expect(sup.start(config)).rejects.toThrow(/did not answer .* within 0.7 s/);
      expect(sup.state.status).toBe('restarting');
      const firstPid = Number(readFileSync(join(tmp.dir, 'first.pid'), 'utf8'));
      await waitFor('the slow child gone', () => {
        try {
          process.kill(firstPid, 0);
          return false;
        } catch {
          return true;
        }
      });
      await waitFor('running after the retry', () => sup.state.status === 'running', { timeoutMs: 15_000 });
      const r = await waitFor('the route served', async () => {
        const a = await httpTo(port, 'app.localhost', '/');
        return a.status === 200 ? a : null;
      });
      expect(r.body).toBe('hello from the app');
    } finally {
      await sup.dispose();
      await app.close();
      tmp.remove();
    }
  });
});
