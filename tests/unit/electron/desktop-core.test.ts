// The desktop shell's core options (src-main/electron/desktop-core.ts, no Electron): desktop mode,
// host terminals, wake on demand on with the waker served by the same loopback edge as serve's (a
// real socket here), and no proxy choices of its own, so the stored proxy setting (Settings → Proxy:
// ports, HTTPS, ACME) decides as in serve without flags. The core itself under Node with real Caddy:
// tests/integration/wake/wake-desktop.test.ts.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { desktopCoreOptions } from '../../../src-main/electron/desktop-core';
import { silentLogger } from '../../../src-main/rpc/dispatcher';
import type { SecretBox } from '../../../src-main/core/store/secret-box';

describe('desktop core options', () => {
  it('desktop mode, host terminals, wake on with the waker on the loopback edge, and no proxy fields', async () => {
    const saveDialog = async (): Promise<string | null> => null;
    const secrets = { kind: 'test' } as unknown as SecretBox;
    const o = desktopCoreOptions({ dataDir: '/tmp/x', appVersion: '1.2.3', logger: silentLogger, saveDialog, secrets });
    expect(o.mode).toBe('desktop');
    expect(o.dataDir).toBe('/tmp/x');
    expect(o.appVersion).toBe('1.2.3');
    expect(o.hostTerminal).toBe(true);
    expect(o.saveDialog).toBe(saveDialog);
    expect(o.secrets).toBe(secrets);
    expect(o.discovery).toBeUndefined();
    // Only the waker's edge: listen, HTTPS, ACME and the admin address come from the stored setting.
    expect(Object.keys(o.wake ?? {})).toEqual(['serveWaker']);

    const served = await o.wake!.serveWaker!({
      handle: async (req, res) => {
        res.writeHead(503, { 'x-wakedock': 'test' }).end(`${req.headers.host} ${req.url}`);
      },
    });
    try {
      expect(served.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const [host, port] = served.address.split(':');
      const answer = await new Promise<{ status: number; text: string; tag: unknown }>((resolve, reject) => {
        const r = request({ host, port: Number(port), path: '/p?q', headers: { host: 'web.localhost:8480' }, agent: false }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, tag: res.headers['x-wakedock'] }));
        });
        r.on('error', reject);
        r.end();
      });
      expect(answer).toEqual({ status: 503, text: 'web.localhost:8480 /p?q', tag: 'test' });
    } finally {
      await served.close();
    }
  });

  it('test knobs reach the core (engine, caddy binary, timings) and cannot replace the waker edge', () => {
    const discovery = { env: {}, home: '/h', platform: 'linux' as const, exists: () => false, readFile: () => undefined };
    const o = desktopCoreOptions({ dataDir: '/tmp/x', appVersion: '1', logger: silentLogger, test: { discovery, wake: { caddyBin: null, tickMs: 100, listen: '127.0.0.1:1' } } });
    expect(o.discovery).toBe(discovery);
    expect(o.wake).toMatchObject({ caddyBin: null, tickMs: 100, listen: '127.0.0.1:1' });
    expect(typeof o.wake?.serveWaker).toBe('function');
    expect(o.saveDialog).toBeUndefined();
    expect(o.secrets).toBeUndefined();
  });
});
