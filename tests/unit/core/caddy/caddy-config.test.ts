/* eslint-disable @typescript-eslint/no-explicit-any -- the tests read deep into JSON configs */
import { describe, expect, it } from 'vitest';
import { parseAccessLine } from '../../../../src-main/core/caddy/access-log';
import { validateOwned } from '../../../../src-main/core/caddy/caddy-admin-client';
import { buildConfig, mergeOwned, routeId, stableJson } from '../../../../src-main/core/caddy/caddy-config';

const input = {
  adminListen: 'unix//tmp/x/admin.sock',
  adminOrigin: 'wakedock',
  listen: '127.0.0.1:8480',
  waker: '127.0.0.1:47101',
  accessLog: '127.0.0.1:47100',
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
    const [body, rest] = server.errors.routes;
    expect(body.match[0].not).toEqual([{ method: ['GET', 'HEAD'] }]);
    expect(body.handle[1]).toMatchObject({ handler: 'static_response', status_code: 503 });
    expect(rest.handle[0].upstreams).toEqual([{ dial: '127.0.0.1:47101' }]);
    expect(c.logging.logs.wakedock.writer).toMatchObject({ output: 'net', address: 'tcp/127.0.0.1:47100' });
    expect(c.logging.logs.wakedock.sampling).toEqual({ interval: 1_000_000_000, first: 50, thereafter: 1_000_000 });
    expect(c.admin).toEqual({ listen: 'unix//tmp/x/admin.sock', origins: ['wakedock'] });
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
    expect(merged.logging.logs.default.exclude).toEqual(['other', 'http.log.access.wakedock']);
    expect(merged.apps.http.servers.wakedock.routes).toHaveLength(3);
    expect(current.apps.http.servers).not.toHaveProperty('wakedock');
  });
});

describe('access log lines', () => {
  it('parses a Caddy 2.6.2 access entry (host without port, user agent, X-WakeDock)', () => {
    const line = JSON.stringify({
      level: 'info', ts: 1700000000.5, logger: 'http.log.access.wakedock', msg: 'handled request',
      request: { remote_ip: '127.0.0.1', proto: 'HTTP/1.1', method: 'GET', host: 'App.localhost:8480', uri: '/x?y=1', headers: { 'User-Agent': ['curl/8'] } },
      duration: 0.0012, size: 5, status: 503, resp_headers: { 'X-Wakedock': ['loading'] },
    });
    expect(parseAccessLine(line)).toEqual({ host: 'app.localhost', method: 'GET', uri: '/x?y=1', status: 503, userAgent: 'curl/8', wakedock: 'loading', duration: 0.0012, at: 1700000000500 });
    expect(parseAccessLine('not json')).toBeNull();
    expect(parseAccessLine('{"msg":"other"}')).toBeNull();
  });
});
