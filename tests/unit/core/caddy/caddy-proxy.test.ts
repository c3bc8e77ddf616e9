/* eslint-disable @typescript-eslint/no-explicit-any -- the tests read deep into JSON configs */
// Replicas (selection policy, active health checks), the waker's fallback page and merge mode
// owning the fallback server, in the config WakeDock builds for Caddy 2.6.2.
import { describe, expect, it } from 'vitest';
import { WakeServiceSchema } from '../../../../src-main/contract/wake-service';
import { validateOwned } from '../../../../src-main/core/caddy/caddy-admin-client';
import { buildConfig, FALLBACK_SERVER, mergeOwned, ownedServers, serviceRoute } from '../../../../src-main/core/caddy/caddy-config';
import { serviceFromLabels } from '../../../../src-main/core/wake/service-labels';
import { routeOf } from '../../../../src-main/core/wake/wake-controller';

const input = {
  adminListen: 'unix//tmp/x/admin.sock',
  adminOrigin: 'wakedock',
  listen: '127.0.0.1:8480',
  waker: '127.0.0.1:47101',
  fallback: '127.0.0.1:47102',
  services: [{ name: 'a', hosts: ['a.localhost'], upstream: '127.0.0.1:18001' }],
};

describe('replicas in Caddy routes', () => {
  const counting = { passive: { fail_duration: '3000ms', max_fails: 1_000_000_000, unhealthy_latency: '1ns' } };

  it('one upstream: no policy, no active checks; only the activity count', () => {
    expect(serviceRoute(input.services[0]!).handle).toEqual([{ handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:18001' }], health_checks: counting }]);
  });

  it('several upstreams: every replica, round_robin by default; a health URI adds active checks', () => {
    const r = serviceRoute({ name: 'a', hosts: ['a.localhost'], upstream: '127.0.0.1:1', upstreams: ['127.0.0.1:1', '127.0.0.1:2'] }) as any;
    expect(r.handle[0].upstreams).toEqual([{ dial: '127.0.0.1:1' }, { dial: '127.0.0.1:2' }]);
    expect(r.handle[0].load_balancing).toEqual({ selection_policy: { policy: 'round_robin' } });
    expect(r.handle[0].health_checks).toEqual(counting);
    const h = serviceRoute({ name: 'a', hosts: ['a.localhost'], upstream: '127.0.0.1:1', upstreams: ['127.0.0.1:1', '127.0.0.1:2'], policy: 'least_conn', healthUri: '/health', healthInterval: '3s' }) as any;
    expect(h.handle[0].load_balancing).toEqual({ selection_policy: { policy: 'least_conn' } });
    expect(h.handle[0].health_checks).toEqual({ active: { uri: '/health', interval: '3s', timeout: '2s' }, ...counting });
  });

  it('the model → the route: load_balancing policy and health checks; replicas must be loopback like one', () => {
    const def = WakeServiceSchema.parse({ name: 'api', hosts: ['api.localhost'], containers: ['api-1', 'api-2'], port: 80, load_balancing: { policy: 'ip_hash', health_uri: '/up' } });
    expect(def.load_balancing).toEqual({ policy: 'ip_hash', health_uri: '/up', health_interval: '5s' });
    const route = routeOf(def, ['127.0.0.1:1', '127.0.0.1:2']);
    expect(route).toMatchObject({ upstream: '127.0.0.1:1', upstreams: ['127.0.0.1:1', '127.0.0.1:2'], policy: 'ip_hash', healthUri: '/up', healthInterval: '5s' });
    expect(() => validateOwned(buildConfig({ ...input, services: [route] }))).not.toThrow();
    expect(() => validateOwned(buildConfig({ ...input, services: [{ ...route, upstreams: ['127.0.0.1:1', '10.0.0.2:80'] }] }))).toThrow(/loopback/);
    const bad = WakeServiceSchema.safeParse({ name: 'api', hosts: ['api.localhost'], containers: ['a'], port: 80, load_balancing: { policy: 'weighted_round_robin' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path.join('.')).toBe('load_balancing.policy');
    expect(bad.error!.issues[0]!.message).toMatch(/round_robin, least_conn/);
  });

  it('labels: wakedock.lb.policy / health_uri / health_interval, errors name the label', () => {
    const c = (labels: Record<string, string>) => ({ name: 'api-1', labels: { 'wakedock.enable': 'true', 'wakedock.hosts': 'api.localhost', 'wakedock.port': '80', ...labels }, composeProject: 'p', composeService: 'api' });
    const r = serviceFromLabels(c({ 'wakedock.lb.policy': 'least_conn', 'wakedock.lb.health_uri': '/health', 'wakedock.lb.health_interval': '2s' }));
    expect(r).toMatchObject({ ok: true, service: { compose: { project: 'p', service: 'api' }, load_balancing: { policy: 'least_conn', health_uri: '/health', health_interval: '2s' } } });
    const none = serviceFromLabels(c({}));
    expect(none && none.ok && none.service.load_balancing).toBeUndefined();
    expect(serviceFromLabels(c({ 'wakedock.lb.policy': 'fastest' }))).toMatchObject({ ok: false, error: { field: 'wakedock.lb.policy' } });
    expect(serviceFromLabels(c({ 'wakedock.lb.health_uri': 'health' }))).toMatchObject({ ok: false, error: { field: 'wakedock.lb.health_uri' } });
  });
});

describe('the waker\'s fallback', () => {
  it('the waker first, the fallback server second (policy first, retried on a dial error), in the status route and the error route', () => {
    const c = buildConfig(input) as any;
    const server = c.apps.http.servers.wakedock;
    for (const proxy of [server.routes[0].handle[0], server.errors.routes[1].handle[0]]) {
      expect(proxy.upstreams).toEqual([{ dial: '127.0.0.1:47101' }, { dial: '127.0.0.1:47102' }]);
      expect(proxy.load_balancing.selection_policy).toEqual({ policy: 'first' });
      expect(proxy.load_balancing.try_duration).toBe('2s');
      expect(proxy.health_checks.passive).toMatchObject({ fail_duration: '1s', max_fails: 1 });
    }
    const fb = c.apps.http.servers[FALLBACK_SERVER];
    expect(fb.listen).toEqual(['127.0.0.1:47102']);
    expect(fb.routes[0].handle[0]).toMatchObject({ handler: 'static_response', status_code: 503 });
    expect(fb.routes[0].handle[0].body).toContain('WakeDock is not running');
    expect(fb.routes[0].handle[0].headers['X-WakeDock']).toEqual(['unavailable']);
    // No fallback given: the waker alone (as before).
    const plain = buildConfig({ ...input, fallback: undefined }) as any;
    expect(plain.apps.http.servers.wakedock.routes[0].handle[0].upstreams).toEqual([{ dial: '127.0.0.1:47101' }]);
    expect(plain.apps.http.servers[FALLBACK_SERVER]).toBeUndefined();
  });

  it('merge mode owns the fallback server too (and removes it when no longer built); foreign servers stay', () => {
    const current = { apps: { http: { servers: { site: { listen: [':443'] }, [FALLBACK_SERVER]: { listen: ['127.0.0.1:1'] } } } } };
    const merged = mergeOwned(current, buildConfig(input)) as any;
    expect(Object.keys(ownedServers(merged)).sort()).toEqual(['wakedock', FALLBACK_SERVER]);
    expect(merged.apps.http.servers[FALLBACK_SERVER].listen).toEqual(['127.0.0.1:47102']);
    expect(merged.apps.http.servers.site).toEqual({ listen: [':443'] });
    const without = mergeOwned(current, buildConfig({ ...input, fallback: undefined })) as any;
    expect(without.apps.http.servers[FALLBACK_SERVER]).toBeUndefined();
  });
});

describe('HTTPS (local CA, ACME only when on)', () => {
  const svc = [
    { name: 'a', hosts: ['a.localhost'], upstream: '127.0.0.1:18001' },
    { name: 'p', hosts: ['shop.example.com', 'nas.home.arpa'], upstream: '127.0.0.1:18002' },
  ];
  it('a TLS twin of the server (same routes, no @id, no redirects), the https port, no trust-store install, every name from the local CA', () => {
    const c = buildConfig({ ...input, services: svc, tls: { listen: '127.0.0.1:8443' } }) as any;
    const tls = c.apps.http.servers['wakedock-tls'];
    expect(tls.listen).toEqual(['127.0.0.1:8443']);
    expect(tls.automatic_https).toEqual({ disable_redirects: true });
    expect(tls.tls_connection_policies).toEqual([{}]);
    expect(JSON.stringify(tls)).not.toContain('@id');
    expect(tls.routes).toHaveLength(c.apps.http.servers.wakedock.routes.length);
    expect(c.apps.http.https_port).toBe(8443);
    expect(c.apps.pki.certificate_authorities.local.install_trust).toBe(false);
    // ACME off: even the public name gets the local CA (never a request to Let's Encrypt).
    expect(c.apps.tls.automation.policies).toEqual([{ issuers: [{ module: 'internal' }] }]);
    expect(() => validateOwned(c)).not.toThrow();
  });

  it('ACME on: public names ACME (with the e-mail), internal names and anything else the local CA', () => {
    const c = buildConfig({ ...input, services: svc, tls: { listen: '127.0.0.1:8443', acme: { email: 'me@example.com' } } }) as any;
    expect(c.apps.tls.automation.policies).toEqual([
      { subjects: ['a.localhost', 'nas.home.arpa'], issuers: [{ module: 'internal' }] },
      { subjects: ['shop.example.com'], issuers: [{ module: 'acme', email: 'me@example.com' }] },
      { issuers: [{ module: 'internal' }] },
    ]);
  });

  it('no tls: no TLS server, no tls/pki apps (as before)', () => {
    const c = buildConfig(input) as any;
    expect(c.apps.http.servers['wakedock-tls']).toBeUndefined();
    expect(c.apps.tls).toBeUndefined();
    expect(c.apps.http.https_port).toBeUndefined();
  });
});
