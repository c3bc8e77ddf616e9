// The WebSocket transport: the shared suite over a real `ws` server on 127.0.0.1:0 with
// src-main/rpc/ws-connection.ts, and a client port written against the browser WebSocket API
// (onopen/onmessage/onclose, string frames), the way the renderer uses it in serve mode.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { RpcClient, type ClientPort, type ServerMessage } from '../../src-main/contract';
import { mapEngineError } from '../../src-main/core/engine/engine-errors';
import { RpcServer } from '../../src-main/rpc/dispatcher';
import { wsConnection } from '../../src-main/rpc/ws-connection';
import { TestCore } from './test-core';
import { transportSuite, type TransportPair } from './transport-suite';

/** The subset of the browser's WebSocket the port uses. */
interface BrowserSocket {
  readonly readyState: number;
  send(data: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** A ClientPort over a browser-style socket; detaches the client when the socket closes. */
function browserPort(socket: BrowserSocket, client: RpcClient): ClientPort {
  const listeners = new Set<(m: ServerMessage) => void>();
  socket.onmessage = (ev) => {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(ev.data)) as ServerMessage;
    } catch {
      return;
    }
    for (const l of listeners) l(msg);
  };
  socket.onclose = () => {
    if (client.connected) client.detach();
  };
  return {
    send: (msg) => socket.send(JSON.stringify(msg)),
    onMessage(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

async function wsPair(server: RpcServer): Promise<TransportPair & { socket: WebSocket; wss: WebSocketServer }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  // Short keepalive so a dead peer would also be noticed within the test's time.
  wss.on('connection', (ws) => server.connect(wsConnection(ws, { keepaliveMs: 1000 })));
  const { port } = wss.address() as AddressInfo;
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  const client = new RpcClient();
  const clientPort = browserPort(socket as unknown as BrowserSocket, client);
  await new Promise<void>((ok, fail) => {
    socket.onopen = () => ok();
    socket.onerror = (e) => fail(new Error(`ws client: ${e.message}`));
  });
  client.attach(clientPort);
  await vi.waitFor(() => expect(server.connections).toBe(1));
  let closed = false;
  return {
    client,
    server,
    socket,
    wss,
    async dropConnection() {
      socket.terminate(); // no close handshake: the TCP connection just goes away
    },
    async close() {
      if (closed) return;
      closed = true;
      client.dispose();
      if (socket.readyState !== WebSocket.CLOSED) {
        const closedEvent = once(socket, 'close');
        socket.close();
        await closedEvent;
      }
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

transportSuite('WebSocket', (handlers) => wsPair(new RpcServer(handlers, { mapError: mapEngineError })));

describe('WebSocket: what only a socket has', () => {
  it('the server closing the socket tears its streams down and fails pending calls on the client', async () => {
    const core = new TestCore();
    const server = new RpcServer(core.handlers, { mapError: mapEngineError });
    const t = await wsPair(server);
    try {
      t.client.subscribe('hosts.watch', {}, { next() {} });
      await vi.waitFor(() => expect(server.liveStreams).toBe(1));
      for (const c of t.wss.clients) c.terminate();
      await vi.waitFor(() => expect(server.liveStreams).toBe(0));
      expect(core.streams[0]?.signal.aborted).toBe(true);
      await vi.waitFor(() => expect(t.client.connected).toBe(false));
      // The client keeps the subscription to reopen it on the next socket, and answers calls with an envelope.
      expect(t.client.activeSubscriptions).toBe(1);
      await expect(t.client.callRaw('system.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'ENGINE_UNREACHABLE' } });
    } finally {
      await t.close();
    }
  });

  it('a binary frame or non-JSON text gets no crash and no stream, and each is answered with VALIDATION', async () => {
    const core = new TestCore();
    const server = new RpcServer(core.handlers, { mapError: mapEngineError });
    const t = await wsPair(server);
    try {
      const answers: unknown[] = [];
      t.socket.on('message', (d) => answers.push(JSON.parse(String(d))));
      t.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      t.socket.send('{not json');
      await vi.waitFor(() => expect(answers).toHaveLength(2));
      expect(answers[0]).toMatchObject({ t: 'res', ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/binary/i) } });
      expect(answers[1]).toMatchObject({ t: 'res', ok: false, error: { code: 'VALIDATION' } });
      await expect(t.client.call('system.info', {})).resolves.toMatchObject({ appVersion: '9.8.7-test' });
    } finally {
      await t.close();
    }
  });
});
