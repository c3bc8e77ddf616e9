// The Electron IPC transport: the shared suite over src-main/electron/ipc-connection.ts (main side)
// and src-preload/bridge.ts (preload side) joined by in-memory ipcMain/ipcRenderer/webContents,
// then what only IPC has: the sender check, the teardown on navigation/crash/close, and the
// window.wakedock API the preload exposes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcClient, type Result, type RpcErrorData } from '../../src-main/contract';
import { mapEngineError } from '../../src-main/core/engine/engine-errors';
import { appUrl } from '../../src-main/electron/app-url';
import { IpcRpcHost, RPC_CHANNEL } from '../../src-main/electron/ipc-connection';
import { RpcServer, type Logger } from '../../src-main/rpc/dispatcher';
import { RPC_CHANNEL as PRELOAD_CHANNEL, createBridgeApi, createPreloadBridge, ipcClientPort } from '../../src-preload/bridge';
import { FakeFrame, FakeIpcMain, FakeIpcRenderer, FakeWebContents } from './fake-electron-ipc';
import { TEST_INFO, TestCore } from './test-core';
import { transportSuite } from './transport-suite';

const APP = appUrl({ indexFile: '/opt/WakeDock/resources/app.asar/out/renderer/index.html' });
const APP_URL = APP.entry;

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

transportSuite('Electron IPC', async (handlers) => {
  const server = new RpcServer(handlers, { mapError: mapEngineError });
  const ipcMain = new FakeIpcMain();
  const host = new IpcRpcHost(server, ipcMain, { isAppUrl: APP.isAppUrl, logger: recordingLogger() });
  const wc = new FakeWebContents(APP_URL);
  host.attach(wc);
  const { client } = createPreloadBridge(new FakeIpcRenderer(ipcMain, wc));
  let closed = false;
  return {
    client,
    server,
    async dropConnection() {
      wc.destroy(); // the window closed under the page
    },
    async close() {
      if (closed) return;
      closed = true;
      client.dispose();
      wc.destroy();
      host.dispose();
    },
  };
});

describe('IPC: main side (ipc-connection.ts)', () => {
  let core: TestCore;
  let server: RpcServer;
  let ipcMain: FakeIpcMain;
  let logger: ReturnType<typeof recordingLogger>;
  let host: IpcRpcHost;
  let wc: FakeWebContents;

  beforeEach(() => {
    core = new TestCore();
    server = new RpcServer(core.handlers, { mapError: mapEngineError });
    ipcMain = new FakeIpcMain();
    logger = recordingLogger();
    host = new IpcRpcHost(server, ipcMain, { isAppUrl: APP.isAppUrl, logger });
    wc = new FakeWebContents(APP_URL);
    host.attach(wc);
  });

  afterEach(() => {
    host.dispose();
  });

  /** A page (document) in wc with its own RpcClient, as the preload would build it. */
  function page(frame: FakeFrame | null = wc.mainFrame, opts?: { showsMainFrame?: boolean }): { client: RpcClient; ipc: FakeIpcRenderer } {
    const ipc = new FakeIpcRenderer(ipcMain, wc, frame, opts);
    return { client: new RpcClient(ipcClientPort(ipc)), ipc };
  }

  const TIMEOUT = Symbol('no answer');
  const answerOrTimeout = (p: Promise<Result>, ms = 150): Promise<Result | typeof TIMEOUT> => Promise.race([p, new Promise<typeof TIMEOUT>((r) => setTimeout(() => r(TIMEOUT), ms))]);

  it('uses the same channel name as the preload', () => {
    expect(PRELOAD_CHANNEL).toBe(RPC_CHANNEL);
    expect(RPC_CHANNEL).toBe('wakedock:rpc');
  });

  it('answers the main frame of an attached window showing the app', async () => {
    const { client } = page();
    await expect(client.call('system.info', {})).resolves.toEqual(TEST_INFO);
    expect(wc.sent.every((m) => m.channel === RPC_CHANNEL && m.args.length === 1)).toBe(true);
    expect(server.connections).toBe(1);
    expect(logger.warnings).toEqual([]);
  });

  it('ignores a message from a sub-frame, even one at the app URL', async () => {
    const sub = new FakeFrame(APP_URL);
    const { client } = page(sub, { showsMainFrame: true }); // answers would reach it if any were sent
    expect(await answerOrTimeout(client.callRaw('containers.start', { hostId: 'local', id: 'abc' }))).toBe(TIMEOUT);
    expect(core.started).toEqual([]);
    expect(wc.sent).toEqual([]);
    expect(server.connections).toBe(0);
    expect(logger.warnings.join('\n')).toMatch(/sub-frame/);
  });

  it('accepts a distinct wrapper object of the main frame (same process and routing id)', async () => {
    const sameFrame = new FakeFrame(APP_URL, wc.mainFrame.processId, wc.mainFrame.routingId);
    const { client } = page(sameFrame, { showsMainFrame: true });
    await expect(client.call('system.info', {})).resolves.toEqual(TEST_INFO);
    // …but a frame of the same process with another routing id is a sub-frame.
    const sibling = new FakeFrame(APP_URL, wc.mainFrame.processId, wc.mainFrame.routingId + 1000);
    const other = page(sibling, { showsMainFrame: true });
    expect(await answerOrTimeout(other.client.callRaw('system.info', {}))).toBe(TIMEOUT);
  });

  it('ignores a message from the main frame once it shows a foreign page', async () => {
    wc.mainFrame.url = 'https://evil.example/index.html';
    const { client } = page();
    expect(await answerOrTimeout(client.callRaw('containers.start', { hostId: 'local', id: 'abc' }))).toBe(TIMEOUT);
    expect(core.started).toEqual([]);
    expect(wc.sent).toEqual([]);
    expect(logger.warnings.join('\n')).toMatch(/foreign page \(https:\/\/evil\.example/);
  });

  it('ignores another local file, a frame that is gone, and a webContents that is not an app window', async () => {
    wc.mainFrame.url = new URL('../../../../etc/passwd.html', APP_URL).href;
    expect(await answerOrTimeout(page().client.callRaw('system.info', {}))).toBe(TIMEOUT);
    wc.mainFrame.url = APP_URL;
    expect(await answerOrTimeout(page(null, { showsMainFrame: true }).client.callRaw('system.info', {}))).toBe(TIMEOUT);
    const stranger = new FakeWebContents(APP_URL); // e.g. a devtools or popup webContents never attached
    const foreign = new RpcClient(ipcClientPort(new FakeIpcRenderer(ipcMain, stranger)));
    expect(await answerOrTimeout(foreign.callRaw('system.info', {}))).toBe(TIMEOUT);
    expect(stranger.sent).toEqual([]);
    expect(wc.sent).toEqual([]);
    expect(logger.warnings).toHaveLength(3);
    // …and the app's own page still works afterwards.
    await expect(page().client.call('system.info', {})).resolves.toEqual(TEST_INFO);
  });

  it('ignores a message with extra arguments', async () => {
    const { ipc } = page();
    ipc.send(RPC_CHANNEL, { t: 'call', id: 1, p: 'system.info', i: {} }, 'extra');
    await new Promise((r) => setTimeout(r, 30));
    expect(wc.sent).toEqual([]);
    expect(logger.warnings.join('\n')).toMatch(/2 arguments/);
  });

  it('answers a malformed message with VALIDATION (the server validates IPC input like any other)', async () => {
    const { ipc } = page();
    const answers: unknown[] = [];
    ipc.on(RPC_CHANNEL, (_e, m) => answers.push(m));
    ipc.send(RPC_CHANNEL, { t: 'call', id: 7, p: 42 });
    await vi.waitFor(() => expect(answers).toHaveLength(1));
    expect(answers[0]).toMatchObject({ t: 'res', id: 7, ok: false, error: { code: 'VALIDATION' } });
  });

  async function openStreams(client: RpcClient, n: number): Promise<void> {
    for (let i = 0; i < n; i++) client.subscribe('containers.watch', { hostId: 'local' }, { next() {} });
    await vi.waitFor(() => expect(server.liveStreams).toBe(n));
  }

  it('a reload (main-frame navigation to a new document) tears the old page’s streams down; the new page gets a fresh connection', async () => {
    const old = page();
    await openStreams(old.client, 3);
    wc.navigate(APP_URL); // reload
    expect(server.liveStreams).toBe(0);
    expect(core.streams.every((s) => s.signal.aborted && s.cleanedUp)).toBe(true);
    expect(server.connections).toBe(0);

    const fresh = page(); // the new document: its RpcClient starts numbering at 1 again
    const events: unknown[] = [];
    fresh.client.subscribe('containers.watch', { hostId: 'local' }, { next: (d) => events.push(d) });
    await vi.waitFor(() => expect(server.liveStreams).toBe(1));
    core.streams[3]?.sink.next({ kind: 'patch', hostId: 'local', upserts: [], removed: ['x'] });
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(server.connections).toBe(1);
  });

  it('a reload into a new frame object (new RenderFrameHost) works the same way', async () => {
    await openStreams(page().client, 2);
    wc.navigate(APP_URL, { newFrame: true });
    expect(server.liveStreams).toBe(0);
    await expect(page().client.call('system.info', {})).resolves.toEqual(TEST_INFO);
  });

  it('a late unsub from the page that went away does not open a connection', async () => {
    const old = page();
    const id = old.client.subscribe('containers.watch', { hostId: 'local' }, { next() {} });
    await vi.waitFor(() => expect(server.liveStreams).toBe(1));
    wc.navigate(APP_URL);
    old.client.unsubscribe(id);
    await new Promise((r) => setTimeout(r, 30));
    expect(server.connections).toBe(0);
    expect(logger.warnings).toEqual([]);
  });

  it('same-document and sub-frame navigations keep the streams', async () => {
    await openStreams(page().client, 2);
    wc.navigate(`${APP_URL}#/settings`, { isSameDocument: true });
    wc.navigate('https://example.com/ad', { isMainFrame: false });
    await new Promise((r) => setTimeout(r, 30));
    expect(server.liveStreams).toBe(2);
    expect(core.openStreams).toHaveLength(2);
  });

  it('a renderer crash tears the streams down', async () => {
    await openStreams(page().client, 2);
    wc.crash('oom');
    expect(server.liveStreams).toBe(0);
    expect(core.streams.every((s) => s.signal.aborted)).toBe(true);
  });

  it('a destroyed window tears its streams down and is forgotten', async () => {
    await openStreams(page().client, 2);
    wc.destroy();
    expect(server.liveStreams).toBe(0);
    expect(server.connections).toBe(0);
    expect(host.openConnections).toBe(0);
    expect(wc.listenerCount('did-start-navigation')).toBe(0);
    expect(wc.listenerCount('destroyed')).toBe(0);
    expect(wc.listenerCount('render-process-gone')).toBe(0);
  });

  it('keeps windows apart: each has its own connection, closing one leaves the other', async () => {
    const wc2 = new FakeWebContents(APP_URL);
    host.attach(wc2);
    await openStreams(page().client, 2);
    const other = new RpcClient(ipcClientPort(new FakeIpcRenderer(ipcMain, wc2)));
    other.subscribe('hosts.watch', {}, { next() {} });
    await vi.waitFor(() => expect(server.liveStreams).toBe(3));
    expect(server.connections).toBe(2);
    wc.destroy();
    expect(server.liveStreams).toBe(1);
    await expect(other.call('system.info', {})).resolves.toEqual(TEST_INFO);
  });

  it('dispose stops listening on ipcMain and closes every connection', async () => {
    await openStreams(page().client, 2);
    host.dispose();
    expect(server.liveStreams).toBe(0);
    expect(ipcMain.listenerCount(RPC_CHANNEL)).toBe(0);
    expect(() => host.attach(new FakeWebContents(APP_URL))).toThrow(/disposed/);
  });
});

describe('IPC: preload side (bridge.ts, window.wakedock)', () => {
  let core: TestCore;
  let server: RpcServer;
  let host: IpcRpcHost;
  let ipcMain: FakeIpcMain;
  let renderer: FakeIpcRenderer;

  beforeEach(() => {
    core = new TestCore();
    server = new RpcServer(core.handlers, { mapError: mapEngineError });
    ipcMain = new FakeIpcMain();
    host = new IpcRpcHost(server, ipcMain, { isAppUrl: APP.isAppUrl, logger: recordingLogger() });
    const wc = new FakeWebContents(APP_URL);
    host.attach(wc);
    renderer = new FakeIpcRenderer(ipcMain, wc);
  });

  afterEach(() => host.dispose());

  it('exposes only call, subscribe and unsubscribe, all plain functions', () => {
    const { api } = createPreloadBridge(renderer);
    expect(Object.keys(api).sort()).toEqual(['call', 'subscribe', 'unsubscribe']);
    for (const v of Object.values(api)) expect(typeof v).toBe('function');
  });

  it('call resolves with the Result envelope, never rejects', async () => {
    const { api } = createPreloadBridge(renderer);
    await expect(api.call('system.info', {})).resolves.toEqual({ ok: true, data: TEST_INFO });
    await expect(api.call('containers.start', { hostId: 'local', id: 'missing' })).resolves.toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // No port at all (the client was disposed): still an envelope.
    const detached = createBridgeApi(new RpcClient());
    await expect(detached.call('system.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'ENGINE_UNREACHABLE', retryable: true } });
  });

  it('refuses names outside the contract before sending anything', async () => {
    const { api } = createPreloadBridge(renderer);
    for (const bad of ['containers.explode', '__proto__', 'constructor', 'toString', '', 42 as unknown as string]) {
      const r = await api.call(bad, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
    }
    // Kinds are checked too: a stream through call, a call through subscribe.
    expect(await api.call('containers.watch', { hostId: 'local' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
    const errors: RpcErrorData[] = [];
    const id1 = api.subscribe('system.info', {}, () => {}, (e) => errors.push(e));
    const id2 = api.subscribe('nope.never', {}, () => {}, (e) => errors.push(e));
    expect([id1, id2]).toEqual([0, 0]);
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(errors.map((e) => e.code)).toEqual(['UNKNOWN_PROCEDURE', 'UNKNOWN_PROCEDURE']);
    api.unsubscribe(0); // harmless
    expect(renderer.sent).toEqual([]);
  });

  it('subscribe delivers events in order, survives a throwing callback, and unsubscribe stops the stream', async () => {
    const { api } = createPreloadBridge(renderer);
    const seen: unknown[] = [];
    const id = api.subscribe('containers.watch', { hostId: 'local' }, (d) => {
      seen.push(d);
      if (seen.length === 1) throw new Error('a buggy view');
    });
    expect(id).toBeGreaterThan(0);
    await vi.waitFor(() => expect(core.streams).toHaveLength(1));
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (let i = 0; i < 5; i++) core.streams[0]?.sink.next({ kind: 'patch', hostId: 'local', upserts: [], removed: [`c${i}`] });
    await vi.waitFor(() => expect(seen).toHaveLength(5));
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(seen.map((p) => (p as { removed: string[] }).removed[0])).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    api.unsubscribe(id);
    await vi.waitFor(() => expect(server.liveStreams).toBe(0));
    expect(core.streams[0]?.signal.aborted).toBe(true);
  });

  it('onEnd and onError are called when the server ends or fails a stream', async () => {
    const { api } = createPreloadBridge(renderer);
    let ended = 0;
    const errors: RpcErrorData[] = [];
    api.subscribe('hosts.watch', {}, () => {}, undefined, () => ended++);
    api.subscribe('containers.watch', { hostId: 'BAD!' }, () => {}, (e) => errors.push(e));
    await vi.waitFor(() => expect(core.streams).toHaveLength(1));
    core.streams[0]?.sink.end();
    await vi.waitFor(() => expect(ended).toBe(1));
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ code: 'VALIDATION', field: 'hostId' });
  });
});

describe('IPC: preload entry (src-preload/index.ts)', () => {
  it('exposes exactly window.wakedock through contextBridge, never ipcRenderer', async () => {
    const exposed: { key: string; value: unknown }[] = [];
    const ipcRenderer = { send: vi.fn(), on: vi.fn(), removeListener: vi.fn() };
    vi.resetModules();
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.push({ key, value }) },
      ipcRenderer,
    }));
    try {
      await import('../../src-preload/index');
    } finally {
      vi.doUnmock('electron');
    }
    expect(exposed.map((e) => e.key)).toEqual(['wakedock']);
    const api = exposed[0]?.value as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['call', 'subscribe', 'unsubscribe']);
    for (const v of Object.values(api)) {
      expect(typeof v).toBe('function');
      expect(v).not.toBe(ipcRenderer.send);
    }
    // It listens on the RPC channel only.
    expect(ipcRenderer.on.mock.calls.map((c) => c[0])).toEqual([RPC_CHANNEL]);
  });
});
