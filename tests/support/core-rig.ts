// "Core + RPC over a real engine": the one fixture integration tests use instead of building it by
// hand. A real core (createCore, a temp data dir, discovery pinned to one engine socket), the real
// RpcServer (input and OUTPUT validation on, engine error mapping) and an RpcClient connected to it
// in memory with JSON round-trips, waiting until the host is connected.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallName, ProcInput, ProcOutput, RpcErrorData } from '../../src-main/contract';
import { createCore, type Core, type CoreOptions } from '../../src-main/core/create-core';
import { mapEngineError } from '../../src-main/core/engine/engine-errors';
import { RpcServer, silentLogger } from '../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, discoveryFor, waitFor } from './docker-fixtures';
import { connectInMemory, type InMemoryLink } from './rpc-harness';

export interface CoreRigOptions {
  /** Names the temp data dir (wdtest-<area>-…). */
  area: string;
  mode?: CoreOptions['mode'];
  /** The engine the local host is discovered at; default the shared engine. */
  socket?: string;
  /** Use this data dir (e.g. a restart on the same store); it is then not removed by dispose(). */
  dataDir?: string;
  /** Anything else createCore takes (saveDialog, hostTerminal, backoff…). */
  options?: Partial<Omit<CoreOptions, 'dataDir' | 'mode'>>;
  /** Wait until the local host is connected (default 15 s); 0: do not wait. */
  connectTimeoutMs?: number;
}

export interface CoreRig {
  core: Core;
  server: RpcServer;
  /** The first client (more with connect()). */
  link: InMemoryLink;
  dataDir: string;
  call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>>;
  /** The error data of a call that must fail (throws if it succeeds). */
  callError<P extends CallName>(p: P, input: ProcInput<P>): Promise<RpcErrorData>;
  /** Another client on the same server, like a second window; closed by dispose(). */
  connect(): InMemoryLink;
  /** Close every client, dispose the core (awaited) and remove a temp data dir. Idempotent. */
  dispose(): Promise<void>;
}

export async function startCoreRig(o: CoreRigOptions): Promise<CoreRig> {
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), `wdtest-${o.area}-`));
  let core: Core;
  try {
    core = await createCore({
      dataDir,
      mode: o.mode ?? 'desktop',
      appVersion: '0.0.0-test',
      logger: silentLogger,
      discovery: discoveryFor(o.socket ?? SHARED_SOCKET),
      ...o.options,
    });
  } catch (e) {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
  const links: InMemoryLink[] = [];
  const connect = (): InMemoryLink => {
    const l = connectInMemory(server);
    links.push(l);
    return l;
  };
  const link = connect();
  let disposed: Promise<void> | null = null;
  const rig: CoreRig = {
    core,
    server,
    link,
    dataDir,
    call: (p, input) => link.client.call(p, input) as never,
    async callError(p, input) {
      const r = await link.client.callRaw(p, input);
      if (r.ok) throw new Error(`${p} succeeded but was expected to fail: ${JSON.stringify(r.data)}`);
      return r.error;
    },
    connect,
    dispose() {
      disposed ??= (async () => {
        for (const l of links) l.close();
        await core.dispose();
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      })();
      return disposed;
    },
  };
  const timeoutMs = o.connectTimeoutMs ?? 15_000;
  if (timeoutMs > 0) {
    try {
      await waitFor('the local host to connect', async () => (await rig.call('hosts.list', {})).find((h) => h.id === 'local' && h.state === 'connected'), { timeoutMs });
    } catch (e) {
      await rig.dispose();
      throw e;
    }
  }
  return rig;
}
