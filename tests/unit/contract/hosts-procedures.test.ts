// hosts.add / update / remove / test inputs: what is accepted, and the field and message for what is
// not — through the RpcServer, as the Settings → Hosts form receives it.
import { describe, expect, it } from 'vitest';
import { RpcServer, type Handlers } from '../../../src-main/rpc/dispatcher';
import { procedures } from '../../../src-main/contract';
import { connectInMemory } from '../../support/rpc-harness';

const add = procedures['hosts.add'].input;
const ok = { name: 'NAS', config: { kind: 'tcp', url: 'tcp://192.168.1.20:2376' } };

describe('hosts.add input', () => {
  it('accepts a tcp:// engine, with or without TLS material; verify defaults to on', () => {
    expect(add.parse(ok)).toEqual(ok);
    expect(add.parse({ name: ' NAS ', config: { kind: 'tcp', url: 'tcp://nas.lan:2376', tls: { ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem' } } })).toEqual({
      name: 'NAS',
      config: { kind: 'tcp', url: 'tcp://nas.lan:2376', tls: { ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem', verify: true } },
    });
    expect(add.parse({ ...ok, config: { kind: 'tcp', url: 'tcp://[::1]:2375' } }).config.url).toBe('tcp://[::1]:2375');
  });

  it.each([
    [{ ...ok, name: '   ' }, 'name', 'give the host a name'],
    [{ ...ok, config: { kind: 'tcp', url: 'http://nas:2375' } }, 'config.url', 'use tcp://host:port (e.g. tcp://192.168.1.20:2376)'],
    [{ ...ok, config: { kind: 'tcp', url: 'tcp://nas' } }, 'config.url', 'use tcp://host:port (e.g. tcp://192.168.1.20:2376)'],
    [{ ...ok, config: { kind: 'tcp', url: 'tcp://nas:70000' } }, 'config.url', 'the port must be between 1 and 65535'],
    [{ ...ok, config: { kind: 'tcp', url: 'tcp://nas:2376', tls: { cert: '/c/cert.pem' } } }, 'config.tls.key', 'a client certificate needs its key: give both cert and key, or neither'],
    [{ ...ok, config: { kind: 'tcp', url: 'tcp://nas:2376', tls: { ca: ' ' } } }, 'config.tls.ca', 'give the path of the PEM file'],
  ])('refuses %j at %s', (input, field, message) => {
    const r = add.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe(field);
    expect(r.error?.issues[0]?.message).toBe(message);
  });

  it('refuses an unknown kind and unknown keys (strict)', () => {
    expect(add.safeParse({ ...ok, config: { kind: 'ftp', url: 'tcp://nas:1' } }).success).toBe(false);
    expect(add.safeParse({ ...ok, config: { ...ok.config, password: 'x' } }).success).toBe(false);
    expect(add.safeParse({ ...ok, id: 'mine' }).success).toBe(false);
  });
});

describe('through the RpcServer', () => {
  const handlers = new Proxy({}, { get: () => () => Promise.reject(new Error('handler must not run')) }) as Handlers;
  it('answers VALIDATION naming the field before any handler runs', async () => {
    const link = connectInMemory(new RpcServer(handlers));
    const a = await link.client.callRaw('hosts.add', { name: 'x', config: { kind: 'tcp', url: 'tcp://nas:0' } });
    if (a.ok) throw new Error('port 0 accepted');
    expect(a.error).toMatchObject({ code: 'VALIDATION', field: 'config.url', message: 'hosts.add: "config.url": the port must be between 1 and 65535' });
    const u = await link.client.callRaw('hosts.update', { hostId: 'Bad Id', name: 'x' });
    if (u.ok) throw new Error('bad host id accepted');
    expect(u.error).toMatchObject({ code: 'VALIDATION', field: 'hostId' });
    const t = await link.client.callRaw('hosts.test', { config: { kind: 'tcp', url: 'unix:///var/run/docker.sock' } });
    if (t.ok) throw new Error('unix:// accepted as a tcp host');
    expect(t.error).toMatchObject({ code: 'VALIDATION', field: 'config.url' });
    link.close();
  });
});
