/* eslint-disable @typescript-eslint/no-explicit-any -- the tests read deep into JSON configs */
import { describe, expect, it } from 'vitest';
import { validateOwned } from '../../../../src-main/core/caddy/caddy-admin-client';
import { ACTIVITY_MAX_FAILS, ACTIVITY_WINDOW_MS, buildConfig, mergeOwned, routeId, stableJson, substringsPattern } from '../../../../src-main/core/caddy/caddy-config';

const input = {
  adminListen: 'unix//tmp/x/admin.sock',
  adminOrigin: 'wakedock',
  listen: '127.0.0.1:8480',
  waker: '127.0.0.1:47101',
  services: [
    { name: 'b', hosts: ['b.localhost'], upstream: '127.0.0.1:18002' },
    { name: 'a', hosts: ['a2.localhost', 'a.localhost'], upstream: '127.0.0.1:18001' },
  ],
};

describe('caddy config builder', () => {
  it('is stable: the same services in another order give the same config', () => {
    const again = buildConfig({ ...input, services: [...input.services].reverse() });
    expect(stableJson(again)).toBe(stableJson(buildConfig(input)));
  });

  it('puts the status route first, then one route per service with its loopback upstream, and error routes to the waker', () => {
    const c = buildConfig(input) as any;
    const server = c.apps.http.servers.wakedock;
    expect(c.apps.http.http_port).toBe(8480);
    expect(server.listen).toEqual(['127.0.0.1:8480']);
    expect(server.automatic_https).toEqual({ disable: true });
    expect(server.routes.map((r: any) => r['@id'])).toEqual(['wakedock-status', routeId('a'), routeId('b')]);
    expect(server.routes[1].match).toEqual([{ host: ['a.localhost', 'a2.localhost'] }]);
    expect(server.routes[1].handle[0].upstreams).toEqual([{ dial: '127.0.0.1:18001' }]);
    // Activity is counted by Caddy per upstream (a passive check that never marks it down), not logged.
    expect(server.routes[1].handle[0].health_checks).toEqual({ passive: { fail_duration: `${ACTIVITY_WINDOW_MS}ms`, max_fails: ACTIVITY_MAX_FAILS, unhealthy_latency: '1ns' } });
    expect(server.logs).toBeUndefined();
    expect(c.logging).toBeUndefined();
    const [body, rest] = server.errors.routes;
    expect(body.match[0].not).toEqual([{ method: ['GET', 'HEAD'] }]);
    // A request with a body goes to the waker as a GET (its body is gone), its method in a header.
    expect(body.handle[0]).toMatchObject({ handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:47101' }], rewrite: { method: 'GET' }, headers: { request: { set: { 'X-WakeDock-Rejected': ['{http.request.method}'] } } } });
    expect(rest.handle[0].upstreams).toEqual([{ dial: '127.0.0.1:47101' }]);
    expect(rest.handle[0].headers.request.delete).toEqual(['X-WakeDock-Rejected']);
    expect(c.admin).toEqual({ listen: 'unix//tmp/x/admin.sock', origins: ['wakedock'] });
  });

  it('ignored user agents and paths take, once the host matched, the same proxy without the count', () => {
    const c = buildConfig({ ...input, services: [{ name: 'a', hosts: ['a.localhost'], upstream: '127.0.0.1:18001', ignore: { user_agents: ['Uptime-Kuma', 'bot.v1+'], paths: ['/health', '/metrics/'] } }] }) as any;
    const routes = c.apps.http.servers.wakedock.routes;
    expect(routes.map((r: any) => r['@id'])).toEqual(['wakedock-status', routeId('a')]);
    expect(routes[1].match).toEqual([{ host: ['a.localhost'] }]);
    const sub = routes[1].handle[0];
    expect(sub.handler).toBe('subroute');
    expect(sub.routes[0].match).toEqual([{ header_regexp: { 'User-Agent': { pattern: '(?i)(?:Uptime-Kuma|bot\\.v1\\+)' } } }, { path: ['/health', '/health/*', '/metrics/*'] }]);
    // Dialled as tcp/…: the same socket, its own entry (in-flight count) in Caddy's upstream pool.
    expect(sub.routes[0].handle).toEqual([{ handler: 'reverse_proxy', upstreams: [{ dial: 'tcp/127.0.0.1:18001' }] }]);
    expect(sub.routes[1].handle[0].health_checks.passive).toBeDefined();
    expect(() => validateOwned(c)).not.toThrow();
    // A proxy inside the subroute is validated like one at the top: loopback only.
    sub.routes[0].handle[0].upstreams = [{ dial: '10.0.0.9:80' }];
    expect(() => validateOwned(c)).toThrow(/loopback/);
    expect(new RegExp(substringsPattern(['a.b']).replace('(?i)', ''), 'i').test('xAxB')).toBe(false);
  });

  it('validates before sending: a hostname used twice or a non-loopback upstream is refused', () => {
    expect(() => validateOwned(buildConfig(input))).not.toThrow();
    expect(() => validateOwned(buildConfig({ ...input, services: [...input.services, { name: 'c', hosts: ['B.localhost'], upstream: '127.0.0.1:1' }] }))).toThrow(/used by two services/);
    expect(() => validateOwned(buildConfig({ ...input, services: [{ name: 'c', hosts: ['c.localhost'], upstream: '10.0.0.5:80' }] }))).toThrow(/loopback/);
    expect(() => validateOwned(buildConfig({ ...input, services: [{ name: 'c', hosts: ['bad host'], upstream: '127.0.0.1:80' }] }))).toThrow(/hostname/);
  });

  it('merge keeps every foreign server, app and logger', () => {
    const current = {
      admin: { listen: 'localhost:2019' },
      apps: { http: { servers: { site: { listen: [':443'], routes: [{ '@id': 'mine' }] } } }, tls: { x: 1 } },
      logging: { logs: { default: { level: 'INFO', exclude: ['other'] }, custom: { level: 'DEBUG' } } },
    };
    const merged = mergeOwned(current, buildConfig(input)) as any;
    expect(merged.apps.http.servers.site).toEqual(current.apps.http.servers.site);
    expect(merged.apps.tls).toEqual({ x: 1 });
    expect(merged.admin).toEqual({ listen: 'localhost:2019' });
    expect(merged.logging.logs.custom).toEqual({ level: 'DEBUG' });
    expect(merged.logging.logs.default).toEqual({ level: 'INFO', exclude: ['other'] });
    expect(merged.apps.http.servers.wakedock.routes).toHaveLength(3);
    expect(current.apps.http.servers).not.toHaveProperty('wakedock');
    // The access logger an earlier WakeDock left in a shared config is removed.
    const old = mergeOwned({ ...current, logging: { logs: { ...current.logging.logs, wakedock: { include: ['http.log.access.wakedock'] } } } }, buildConfig(input)) as any;
    expect(Object.keys(old.logging.logs).sort()).toEqual(['custom', 'default']);
  });
});
