/* eslint-disable @typescript-eslint/no-explicit-any -- the tests read deep into JSON configs */
// Merge mode into a user's Caddy (pure): WakeDock adds its servers, logger, TLS policies (first, by
// @id, only its names) and its own CA, and removing them gives the user's config back exactly,
// including containers WakeDock had to create. Plus the proxy setting's schema and the port check's
// words (a privileged port cannot be bound as root, so EACCES is checked with a fake binder here).
import { describe, expect, it } from 'vitest';
import { WakeProxySettingsSchema, AdminAddressSchema, DEFAULT_PROXY_SETTINGS } from '../../../../src-main/contract/wake-proxy-settings';
import { buildConfig, mergeOwned, ownedParts, stableJson, unmergeOwned, type CaddyConfigInput } from '../../../../src-main/core/caddy/caddy-config';
import { adminTarget } from '../../../../src-main/core/caddy/external-caddy';
import { listenProblem } from '../../../../src-main/core/caddy/listen-check';

const input: CaddyConfigInput = {
  adminListen: 'unix//tmp/x/admin.sock',
  adminOrigin: 'wakedock',
  listen: '127.0.0.1:8480',
  waker: '127.0.0.1:47100',
  fallback: '127.0.0.1:47102',
  services: [
    { name: 'a', hosts: ['a.localhost'], upstream: '127.0.0.1:18001' },
    { name: 'p', hosts: ['shop.example.com'], upstream: '127.0.0.1:18002' },
  ],
  shared: true,
};

const user = {
  admin: { listen: '127.0.0.1:2019' },
  apps: {
    http: { servers: { mine: { listen: [':443'], routes: [{ '@id': 'their-route', handle: [{ handler: 'static_response' }] }] } } },
    tls: { automation: { policies: [{ issuers: [{ module: 'internal' }] }] } },
    pki: { certificate_authorities: { local: { install_trust: true } } },
  },
  logging: { logs: { default: { level: 'INFO' } } },
};

describe('merge mode into the user\'s Caddy', () => {
  it('adds only WakeDock\'s parts; the user\'s servers, policies, CA and admin stay; no http_port/https_port', () => {
    const created = new Set<string>();
    const m = mergeOwned(structuredClone(user), buildConfig({ ...input, tls: { listen: '127.0.0.1:8443' } }), created) as any;
    expect(Object.keys(m.apps.http.servers).sort()).toEqual(['mine', 'wakedock', 'wakedock-fallback', 'wakedock-tls']);
    expect(m.apps.http.servers.mine).toEqual(user.apps.http.servers.mine);
    expect(m.apps.http.http_port).toBeUndefined();
    expect(m.apps.http.https_port).toBeUndefined();
    // Ours first (a user's catch-all after it would otherwise win), only our names, our own CA.
    expect(m.apps.tls.automation.policies).toEqual([
      { '@id': 'wakedock-tls-internal', subjects: ['a.localhost', 'shop.example.com'], issuers: [{ module: 'internal', ca: 'wakedock' }] },
      { issuers: [{ module: 'internal' }] },
    ]);
    expect(m.apps.pki.certificate_authorities).toEqual({ local: { install_trust: true }, wakedock: { name: 'WakeDock Local Authority', install_trust: false } });
    expect(m.admin).toEqual(user.admin);
    // No logger (activity is Caddy's per-upstream count): the user's logging is left alone.
    expect(m.logging).toEqual(user.logging);
    expect([...created].sort()).toEqual([]);
    // Removing gives the user's config back exactly.
    expect(stableJson(unmergeOwned(m, created))).toBe(stableJson(user));
    expect(JSON.stringify(unmergeOwned(m, created))).not.toContain('wakedock');
    // The access logger an earlier WakeDock added (and its exclude entry) is removed by the next merge.
    const old = structuredClone(user) as any;
    old.logging.logs.wakedock = { include: ['http.log.access.wakedock'], writer: { output: 'net', address: 'tcp/127.0.0.1:1' } };
    old.logging.logs.default.exclude = ['http.log.access.wakedock'];
    const again = mergeOwned(old, buildConfig(input)) as any;
    expect(again.logging.logs).toEqual({ default: { level: 'INFO', exclude: [] } });
  });

  it('ACME on: public names get an acme policy with the e-mail, internal names WakeDock\'s CA; never a catch-all', () => {
    const m = mergeOwned(structuredClone(user), buildConfig({ ...input, tls: { listen: '127.0.0.1:8443', acme: { email: 'me@example.com' } } })) as any;
    const ours = m.apps.tls.automation.policies.filter((p: any) => p['@id']);
    expect(ours).toEqual([
      { '@id': 'wakedock-tls-internal', subjects: ['a.localhost'], issuers: [{ module: 'internal', ca: 'wakedock' }] },
      { '@id': 'wakedock-tls-acme', subjects: ['shop.example.com'], issuers: [{ module: 'acme', email: 'me@example.com' }] },
    ]);
    expect(ours.every((p: any) => Array.isArray(p.subjects) && p.subjects.length > 0)).toBe(true);
  });

  it('a Caddy with no config at all gets none back; containers WakeDock created are pruned, a user\'s later addition kept', () => {
    const created = new Set<string>();
    const m = mergeOwned(null, buildConfig({ ...input, tls: { listen: '127.0.0.1:8443' } }), created) as any;
    expect(created.has('')).toBe(true);
    expect(unmergeOwned(m, created)).toBeNull();
    // The user added a server of their own meanwhile: it stays, and so do the containers holding it.
    m.apps.http.servers.later = { listen: [':9000'] };
    expect(unmergeOwned(m, created)).toEqual({ apps: { http: { servers: { later: { listen: [':9000'] } } } } });
  });

  it('turning HTTPS off in merge mode removes WakeDock\'s policies and CA again (and what it created for them)', () => {
    const created = new Set<string>();
    const plain = { apps: { http: { servers: { mine: { listen: [':80'] } } } } };
    const on = mergeOwned(structuredClone(plain), buildConfig({ ...input, tls: { listen: '127.0.0.1:8443' } }), created);
    expect(ownedParts(on).policies).toHaveLength(1);
    const off = mergeOwned(on, buildConfig(input), created) as any;
    expect(off.apps.tls).toBeUndefined();
    expect(off.apps.pki).toBeUndefined();
    expect(Object.keys(off.apps.http.servers).sort()).toEqual(['mine', 'wakedock', 'wakedock-fallback']);
    expect(unmergeOwned(off, created)).toEqual(plain);
  });

  it('re-applying is idempotent (no duplicate policy or exclude entry)', () => {
    const created = new Set<string>();
    const cfg = buildConfig({ ...input, tls: { listen: '127.0.0.1:8443' } });
    const once = mergeOwned(structuredClone(user), cfg, created);
    const twice = mergeOwned(once, cfg, created);
    expect(stableJson(twice)).toBe(stableJson(once));
  });
});

describe('admin address', () => {
  it('loopback http://host:port or a socket path; the Host header Caddy accepts by default', () => {
    expect(AdminAddressSchema.safeParse('http://127.0.0.1:2019').success).toBe(true);
    expect(AdminAddressSchema.safeParse('http://localhost:2019/').success).toBe(true);
    expect(AdminAddressSchema.safeParse('/run/caddy/admin.sock').success).toBe(true);
    expect(AdminAddressSchema.safeParse('http://10.0.0.2:2019').error?.issues[0]?.message).toMatch(/not this machine/);
    expect(AdminAddressSchema.safeParse('http://127.0.0.1').error?.issues[0]?.message).toMatch(/add the port/);
    expect(AdminAddressSchema.safeParse('https://127.0.0.1:2019').error?.issues[0]?.message).toMatch(/plain HTTP/);
    expect(AdminAddressSchema.safeParse('caddy:2019').error?.issues[0]?.message).toMatch(/http:\/\/127\.0\.0\.1:2019/);
    expect(adminTarget('http://127.0.0.1:2019')).toEqual({ listen: '127.0.0.1:2019', origin: '127.0.0.1:2019' });
    expect(adminTarget('/run/caddy/admin.sock')).toEqual({ listen: 'unix//run/caddy/admin.sock', origin: ' ' });
  });
});

describe('the proxy setting', () => {
  const field = (v: unknown): string | undefined => WakeProxySettingsSchema.safeParse(v).error?.issues[0]?.path.join('.');
  it('validates the fields and their combinations, naming the field', () => {
    expect(WakeProxySettingsSchema.parse(DEFAULT_PROXY_SETTINGS)).toEqual(DEFAULT_PROXY_SETTINGS);
    expect(field({ ...DEFAULT_PROXY_SETTINGS, mode: 'external' })).toBe('admin');
    expect(field({ ...DEFAULT_PROXY_SETTINGS, acme: true })).toBe('acme');
    expect(field({ ...DEFAULT_PROXY_SETTINGS, https: true, httpsListen: '127.0.0.1:8480' })).toBe('httpsListen');
    expect(field({ ...DEFAULT_PROXY_SETTINGS, listen: '127.0.0.1:70000' })).toBe('listen');
    expect(field({ ...DEFAULT_PROXY_SETTINGS, listen: 'example.com:80' })).toBe('listen');
    expect(field({ ...DEFAULT_PROXY_SETTINGS, acmeEmail: 'not-mail' })).toBe('acmeEmail');
    expect(field({ ...DEFAULT_PROXY_SETTINGS, extra: 1 })).toBe('');
    expect(WakeProxySettingsSchema.safeParse({ ...DEFAULT_PROXY_SETTINGS, listen: '0.0.0.0:80', https: true, httpsListen: '[::]:443', acme: true, acmeEmail: 'me@example.com' }).success).toBe(true);
  });
});

describe('port check', () => {
  it('says which port and why: in use, below 1024 without root', async () => {
    const err = (code: string) => async () => Object.assign(new Error(code), { code });
    expect(await listenProblem('127.0.0.1:8480', err('EADDRINUSE'))).toBe('port 8480 on 127.0.0.1 is in use by another program: choose another port or stop that program');
    expect(await listenProblem('127.0.0.1:80', err('EACCES'))).toBe('port 80 is below 1024 and needs root (or CAP_NET_BIND_SERVICE): choose a port from 1024 up, e.g. 8480');
    expect(await listenProblem('127.0.0.1:443', err('EACCES'))).toMatch(/e\.g\. 8443$/);
    expect(await listenProblem('10.9.9.9:8480', err('EADDRNOTAVAIL'))).toBe('10.9.9.9 is not an address of this machine');
    expect(await listenProblem('127.0.0.1:8480', async () => null)).toBeNull();
  });
});
