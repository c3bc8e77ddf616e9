// Electron IPC → RPC server adapter. One RPC Connection per document shown in a window: the
// connection (and with it every stream the page opened) is torn down when the window is destroyed,
// its renderer process dies, or its main frame navigates to another document (reload included),
// so a reloaded page starts from a clean slate and nothing it opened before outlives it.
//
// Like VS Code's ValidatedIpcMain, a message is accepted only from the main frame of a window we
// attached, while that frame shows our app; anything else (a sub-frame, a foreign URL, an unknown
// sender) is dropped and logged, never answered.
//
// Written against small structural interfaces instead of electron's values so it runs under Node
// with in-memory fakes; main.ts passes the real ipcMain and webContents.
import type { ServerMessage } from '../contract';
import type { Logger } from '../contract/handlers';
import type { Connection } from '../rpc/dispatcher';

/** Both directions use the same channel: renderer→main carries one ClientMessage, main→renderer one ServerMessage. */
export const RPC_CHANNEL = 'wakedock:rpc';

/** The part of a WebFrameMain we use: its identity (object, or process + routing id) and its current URL. */
export interface FrameLike {
  readonly url: string;
  readonly processId?: number;
  readonly routingId?: number;
}

export interface IpcEventLike {
  readonly sender: unknown;
  /** null when the frame navigated away or was destroyed before the message was handled. */
  readonly senderFrame: FrameLike | null;
}

export type IpcListener = (event: IpcEventLike, ...args: unknown[]) => void;

export interface IpcMainLike {
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export interface NavigationDetailsLike {
  readonly url: string;
  readonly isMainFrame: boolean;
  readonly isSameDocument: boolean;
}

export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  on(event: 'destroyed', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
  on(event: 'did-start-navigation', listener: (details: NavigationDetailsLike) => void): unknown;
  removeListener(event: 'destroyed', listener: () => void): unknown;
  removeListener(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
  removeListener(event: 'did-start-navigation', listener: (details: NavigationDetailsLike) => void): unknown;
}

/** What we need from RpcServer. */
export interface RpcConnector {
  connect(conn: Connection): void;
}

export interface IpcRpcHostOptions {
  /** True for our app's document URL (the built index.html or the dev server). */
  isAppUrl(url: string): boolean;
  logger: Logger;
}

interface Attached {
  wc: WebContentsLike;
  /** The connection of the document currently shown, created on its first message. */
  current: IpcConnection | null;
  generation: number;
  detach(): void;
}

/** One Connection of the RPC server, bound to one document of one webContents. */
class IpcConnection implements Connection {
  private readonly messageListeners: ((raw: unknown) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  private closed = false;

  constructor(
    readonly id: string,
    private readonly wc: WebContentsLike,
  ) {}

  send(msg: ServerMessage): void {
    if (this.closed || this.wc.isDestroyed()) return;
    // webContents.send goes to the main frame only, never to sub-frames.
    this.wc.send(RPC_CHANNEL, msg);
  }

  onMessage(listener: (raw: unknown) => void): void {
    this.messageListeners.push(listener);
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** webContents.send gives no backpressure signal (it queues in Chromium's IPC): never congested. */
  congested(): boolean {
    return false;
  }

  onDrain(): () => void {
    return () => {};
  }

  deliver(raw: unknown): void {
    if (this.closed) return;
    for (const l of this.messageListeners) l(raw);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners.splice(0)) l();
    this.messageListeners.length = 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/**
 * Owns the single ipcMain listener of the RPC channel and routes each message to the connection of
 * the window that sent it.
 */
export class IpcRpcHost {
  private readonly windows = new Map<unknown, Attached>();
  private disposed = false;
  private readonly listener: IpcListener = (event, ...args) => this.onIpc(event, args);

  constructor(
    private readonly server: RpcConnector,
    private readonly ipcMain: IpcMainLike,
    private readonly opts: IpcRpcHostOptions,
  ) {
    ipcMain.on(RPC_CHANNEL, this.listener);
  }

  /** Number of open connections (tests, diagnostics). */
  get openConnections(): number {
    let n = 0;
    for (const a of this.windows.values()) if (a.current && !a.current.isClosed) n++;
    return n;
  }

  /** Serve the RPC channel to this window. Returns a function that stops serving it. */
  attach(wc: WebContentsLike): () => void {
    if (this.disposed) throw new Error('IpcRpcHost is disposed');
    const existing = this.windows.get(wc);
    if (existing) return existing.detach;

    const onDestroyed = (): void => {
      this.teardown(entry, 'window destroyed');
      detach();
    };
    const onGone = (_event: unknown, details: { reason: string }): void => this.teardown(entry, `renderer process gone (${details?.reason ?? 'unknown'})`);
    const onNavigation = (details: NavigationDetailsLike): void => {
      // A fragment change or pushState keeps the document (and its RpcClient): nothing to do.
      // A reload or a new document in the main frame starts over on a fresh connection.
      if (details.isMainFrame && !details.isSameDocument) this.teardown(entry, `main frame navigating to ${details.url}`);
    };
    const detach = (): void => {
      if (this.windows.get(wc) !== entry) return;
      this.teardown(entry, 'detached');
      this.windows.delete(wc);
      wc.removeListener('destroyed', onDestroyed);
      wc.removeListener('render-process-gone', onGone);
      wc.removeListener('did-start-navigation', onNavigation);
    };
    const entry: Attached = { wc, current: null, generation: 0, detach };
    this.windows.set(wc, entry);
    wc.on('destroyed', onDestroyed);
    wc.on('render-process-gone', onGone);
    wc.on('did-start-navigation', onNavigation);
    return detach;
  }

  /** Stop listening and close every connection (app quit). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ipcMain.removeListener(RPC_CHANNEL, this.listener);
    for (const a of [...this.windows.values()]) a.detach();
  }

  private teardown(entry: Attached, why: string): void {
    const conn = entry.current;
    entry.current = null;
    if (conn && !conn.isClosed) {
      this.opts.logger.info(`ipc: closing ${conn.id}: ${why}`);
      conn.close();
    }
  }

  private onIpc(event: IpcEventLike, args: unknown[]): void {
    const entry = this.windows.get(event.sender);
    if (!entry) {
      this.opts.logger.warn('ipc: dropped a message from a webContents that is not an app window');
      return;
    }
    const wc = entry.wc;
    if (wc.isDestroyed()) return;
    const frame = event.senderFrame;
    if (!frame || !isSameFrame(frame, wc.mainFrame)) {
      this.opts.logger.warn(`ipc: dropped a message from ${frame ? `a sub-frame (${safeUrl(frame)})` : 'a frame that is gone'} of window ${wc.id}`);
      return;
    }
    const url = safeUrl(frame);
    if (!this.opts.isAppUrl(url)) {
      this.opts.logger.warn(`ipc: dropped a message from a foreign page (${url}) in window ${wc.id}`);
      return;
    }
    if (args.length !== 1) {
      this.opts.logger.warn(`ipc: dropped a message with ${args.length} arguments from window ${wc.id}`);
      return;
    }
    const raw = args[0];
    let conn = entry.current;
    if (!conn || conn.isClosed) {
      // An 'unsub' that lands after the teardown comes from the document that is going away; it
      // has nothing left to close and must not open a connection for the next document.
      if (isUnsub(raw)) return;
      conn = new IpcConnection(`ipc-${wc.id}-${++entry.generation}`, wc);
      entry.current = conn;
      this.server.connect(conn);
    }
    // The message itself is validated by the RPC server (zod), like any other transport's.
    conn.deliver(raw);
  }
}

/**
 * The same frame: the same wrapper object, or (Electron may hand out distinct wrappers for one
 * frame) the same renderer process and routing id, which no other frame shares.
 */
function isSameFrame(a: FrameLike, b: FrameLike): boolean {
  if (a === b) return true;
  try {
    return typeof a.processId === 'number' && typeof a.routingId === 'number' && a.processId === b.processId && a.routingId === b.routingId;
  } catch {
    return false; // a destroyed WebFrameMain throws on access
  }
}

function isUnsub(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { t?: unknown }).t === 'unsub';
}

function safeUrl(frame: FrameLike): string {
  try {
    return frame.url;
  } catch {
    // A WebFrameMain whose frame was destroyed throws on access.
    return '';
  }
}
