// A connected SSH host's engine as a local unix socket, for tools that need one (the docker CLI,
// compose, "docker context create … host=unix://…"). Each accepted local connection is one
// direct-streamlocal channel of the host's one SSH connection to its engine socket. The socket is
// owner-only (0600 in a 0700 directory under the data dir) and removed when the forward is turned
// off, when the host disconnects or is removed, and when the core stops.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../contract/handlers';

/** sun_path holds 108 bytes on Linux, 104 on macOS: keep a margin. */
const MAX_SOCKET_PATH = 100;

/** Where a host's forward socket goes: <dataDir>/sockets/<hostId>.sock, or a short per-user temp dir when that is too long. */
export function forwardSocketPath(dataDir: string, hostId: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `\\\\.\\pipe\\wakedock-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}-${hostId}`;
  const p = join(dataDir, 'sockets', `${hostId}.sock`);
  if (Buffer.byteLength(p) <= MAX_SOCKET_PATH) return p;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(tmpdir(), `wakedock-${uid}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`, `${hostId}.sock`);
}

export interface ForwardTarget {
  /** A new channel to the remote engine socket, on the host's current SSH connection. */
  openEngineStream(): Promise<Duplex>;
}

/** One host's local socket. */
export class SocketForward {
  private server: Server | null = null;
  private readonly conns = new Set<Socket>();
  private readonly channels = new Set<Duplex>();

  constructor(
    readonly hostId: string,
    readonly path: string,
    private readonly target: ForwardTarget,
    private readonly logger: Logger,
  ) {}

  /** Start listening (the directory is made 0700, the socket 0600). */
  async listen(): Promise<void> {
    if (process.platform !== 'win32') {
      const dir = join(this.path, '..');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
      rmSync(this.path, { force: true }); // a stale socket of a crashed run
    }
    const server = createServer((local) => this.accept(local));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The 0700 directory keeps others out until the socket's own mode is set just below.
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') chmodSync(this.path, 0o600);
    server.on('error', (e) => this.logger.warn(`socket forward ${this.hostId}: ${e.message}`));
    this.server = server;
  }

  private accept(local: Socket): void {
    this.conns.add(local);
    local.once('close', () => this.conns.delete(local));
    local.on('error', () => local.destroy());
    local.pause();
    let opening: Promise<Duplex>;
    try {
      opening = this.target.openEngineStream();
    } catch (e) {
      // A throw (the host lost its connection meanwhile) ends this connection, not the process.
      opening = Promise.reject(e as Error);
    }
    opening.then(
      (remote) => {
        if (local.destroyed) {
          remote.destroy();
          return;
        }
        this.channels.add(remote);
        remote.once('close', () => (this.channels.delete(remote), local.destroy()));
        remote.on('error', () => (remote.destroy(), local.destroy()));
        local.once('close', () => remote.destroy());
        local.pipe(remote);
        remote.pipe(local);
        local.resume();
      },
      (e: unknown) => {
        this.logger.warn(`socket forward ${this.hostId}: no channel to the engine: ${(e as Error).message}`);
        local.destroy();
      },
    );
  }

  /** Stop listening, end every connection and channel, remove the socket file. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of this.conns) c.destroy();
    for (const ch of this.channels) ch.destroy();
    this.conns.clear();
    this.channels.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
    if (process.platform !== 'win32') rmSync(this.path, { force: true });
  }

  get connections(): number {
    return this.conns.size;
  }
}
