// The serve-mode download route on the real engine: token-protected, streamed, every line, stderr
// included, timestamps on request; 404 for an unknown container.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { startHttpServer, type RunningServer } from '../../../src-main/serve/http-server';
import { logsRoute } from '../../../src-main/serve/logs-route';
import { writeLogText } from '../../../src-main/core/logs/download';
import { SHARED_SOCKET, cleanupTestContainers, discoveryFor, docker, ensureTestImage, runContainer, waitFor } from '../../support/docker-fixtures';

const AREA = 'logsdl';
let core: Core;
let http: RunningServer;
let dataDir: string;
const TOKEN = 'dl-token';

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}-` });
  dataDir = mkdtempSync(join(tmpdir(), 'wdtest-logsdl-'));
  core = await createCore({ dataDir, mode: 'serve', appVersion: 't', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
  await waitFor('connected', () => core.hosts.get('local').host.state === 'connected', { timeoutMs: 15_000 });
  http = await startHttpServer({ rpc: new RpcServer(core.handlers), token: TOKEN, host: '127.0.0.1', port: 0, staticDir: dataDir, appVersion: 't', routes: [logsRoute(core.hosts, silentLogger)] });
});

afterAll(async () => {
  await http?.close();
  core?.dispose();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await cleanupTestContainers({ namePrefix: `wdtest-${AREA}-` });
});

describe('GET /api/logs/<host>/<container>', () => {
  it('streams the whole log as a text attachment, demuxed, stderr included', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'seq 1 20000; echo to-stderr >&2; echo done; sleep 3600'] });
    await waitFor('all lines', async () => (await docker(['logs', c.name])).includes('done'), { timeoutMs: 20_000 });
    const base = `http://127.0.0.1:${http.port}/api/logs/local/${c.name}`;

    expect((await fetch(base)).status).toBe(401);
    const res = await fetch(`${base}?token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${c.name}-.*\\.log"$`));
    // The edge's security headers reach this route too (a download is a response like any other).
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    const text = await res.text();
    const lines = text.split('\n');
    // The engine's order between stdout and stderr depends on pipe timing; each stream's is kept.
    expect(lines.filter((l) => l !== 'to-stderr').slice(0, 20000)).toEqual(Array.from({ length: 20000 }, (_, i) => String(i + 1)));
    expect(lines.filter((l) => l === 'to-stderr')).toHaveLength(1);
    expect(lines.slice(-2)).toEqual(['done', '']);

    const withTs = await (await fetch(`${base}?timestamps=1&token=${TOKEN}`)).text();
    expect(withTs.split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z 1$/);
  });

  it('a reader that goes away mid-download settles the write and stops reading the engine', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'seq 1 200000; echo done; sleep 3600'] });
    await waitFor('all lines', async () => (await docker(['logs', '--tail', '1', c.name])).includes('done'), { timeoutMs: 30_000 });
    // A writer that accepts one chunk, then refuses more (like a slow socket) and then closes.
    const out = new Writable({ highWaterMark: 1, write: (_chunk, _enc, cb) => setTimeout(cb, 1000) });
    const pending = writeLogText(core.hosts.get('local').client(), c.id, out, { timestamps: false });
    setTimeout(() => out.destroy(), 200);
    const bytes = await Promise.race([pending, new Promise((_, no) => setTimeout(() => no(new Error('writeLogText never settled')), 5000))]);
    expect(typeof bytes).toBe('number');
  });

  it('desktop: logs.saveToFile streams to the path the save dialog chose (never one from the renderer)', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'seq 1 5000; echo saved-end; sleep 3600'] });
    await waitFor('all lines', async () => (await docker(['logs', '--tail', '1', c.name])).includes('saved-end'), { timeoutMs: 20_000 });
    const target = join(dataDir, 'saved.log');
    const asked: string[] = [];
    const desktop = await createCore({ dataDir: mkdtempSync(join(tmpdir(), 'wdtest-logsdl-desk-')), mode: 'desktop', appVersion: 't', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET), saveDialog: async (name) => (asked.push(name), target) });
    try {
      await waitFor('connected', () => desktop.hosts.get('local').host.state === 'connected', { timeoutMs: 15_000 });
      const r = await desktop.handlers['logs.saveToFile']({ hostId: 'local', id: c.name, timestamps: false });
      expect(r.path).toBe(target);
      expect(asked[0]).toMatch(new RegExp(`^${c.name}-.*\\.log$`));
      const text = readFileSync(target, 'utf8');
      expect(r.bytes).toBe(Buffer.byteLength(text));
      expect(text.trimEnd().split('\n')).toEqual([...Array.from({ length: 5000 }, (_, i) => String(i + 1)), 'saved-end']);
    } finally {
      desktop.dispose();
    }
    // Serve mode has no dialog: the command says to use the download link.
    await expect(core.handlers['logs.saveToFile']({ hostId: 'local', id: c.name, timestamps: true })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('answers 404 for an unknown container and 400 for a malformed path', async () => {
    expect((await fetch(`http://127.0.0.1:${http.port}/api/logs/local/wdtest-logsdl-nope?token=${TOKEN}`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${http.port}/api/logs/local/a/b?token=${TOKEN}`)).status).toBe(400);
  });
});
