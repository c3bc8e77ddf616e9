// The production HTTP/WebSocket server over a real core on the shared engine, in the test process,
// with the bytes queued for clients on the server's side of each connection (for backpressure tests).
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src-main/core/create-core';
import { mapEngineError } from '../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../src-main/rpc/dispatcher';
import { startHttpServer, type RunningServer } from '../../src-main/serve/http-server';
import { SHARED_SOCKET, discoveryFor, waitFor } from './docker-fixtures';

export interface ServeHarness {
  core: Core;
  rpc: RpcServer;
  http: RunningServer;
  /** ws:// URL of the contract, token included. */
  rpcUrl: string;
  /**
   * Bytes queued for clients on the server's side: the upgraded WebSocket keeps the HTTP server's
   * net.Socket, and `ws` writes each frame straight to it, so writableLength is its bufferedAmount.
   */
  queuedOnServer(): number;
  close(): Promise<void>;
}

export async function startServeHarness(area: string, token = 'test-token'): Promise<ServeHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), `wdtest-${area}-`));
  const core = await createCore({ dataDir, mode: 'serve', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
  const rpc = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger });
  const http = await startHttpServer({ rpc, token, host: '127.0.0.1', port: 0, staticDir: dataDir, appVersion: '0.0.0-test' });
  const sockets = new Set<Socket>();
  http.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await waitFor('the local host to connect', () => core.hosts.get('local').host.state === 'connected', { timeoutMs: 15_000 });
  return {
    core,
    rpc,
    http,
    rpcUrl: `ws://127.0.0.1:${http.port}/rpc?token=${token}`,
    queuedOnServer: () => [...sockets].reduce((n, s) => n + s.writableLength, 0),
    close: async () => {
      rpc.closeAll();
      await http.close();
      await core.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
