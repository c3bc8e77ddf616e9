// In-memory stand-ins for ipcMain, ipcRenderer and webContents, just faithful enough for the IPC
// transport: messages are structured-cloned (what Electron does) and delivered asynchronously (a
// process hop), in order, like VS Code's QueueProtocol. Each message carries the sending frame,
// so tests can send from a sub-frame or a foreign page.
import type { FrameLike, IpcEventLike, IpcMainLike, NavigationDetailsLike, WebContentsLike } from '../../src-main/electron/ipc-connection';
import type { IpcRendererLike, IpcRendererListener } from '../../src-preload/bridge';

type AnyListener = (...args: never[]) => void;

class Emitter {
  private readonly listeners = new Map<string, AnyListener[]>();

  on(event: string, listener: AnyListener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  removeListener(event: string, listener: AnyListener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
    return this;
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  protected emit(event: string, ...args: unknown[]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) (l as (...a: unknown[]) => void)(...args);
  }
}

let nextRoutingId = 1;

export class FakeFrame implements FrameLike {
  constructor(
    public url: string,
    readonly processId = 7,
    readonly routingId = nextRoutingId++,
  ) {}
}

export class FakeIpcMain extends Emitter implements IpcMainLike {
  /** What Electron does when a renderer calls ipcRenderer.send. */
  receive(channel: string, event: IpcEventLike, args: unknown[]): void {
    this.emit(channel, event, ...args);
  }
}

let nextWcId = 1;

export class FakeWebContents extends Emitter implements WebContentsLike {
  readonly id = nextWcId++;
  mainFrame: FakeFrame;
  /** The renderer currently showing this webContents' main frame (gets webContents.send). */
  renderer: FakeIpcRenderer | null = null;
  /** Everything sent to the renderer, for assertions. */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  private destroyed = false;

  constructor(url: string) {
    super();
    this.mainFrame = new FakeFrame(url);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const cloned = args.map((a) => structuredClone(a));
    this.sent.push({ channel, args: cloned });
    const target = this.renderer;
    setImmediate(() => target?.deliver(channel, cloned));
  }

  /** The window closed. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.renderer = null;
    this.emit('destroyed');
  }

  crash(reason = 'crashed'): void {
    this.renderer = null;
    this.emit('render-process-gone', {}, { reason });
  }

  /** Starts a navigation; a new document in the main frame gets a new frame object, like a new RenderFrameHost. */
  navigate(url: string, opts: { isMainFrame?: boolean; isSameDocument?: boolean; newFrame?: boolean } = {}): void {
    const details: NavigationDetailsLike = { url, isMainFrame: opts.isMainFrame ?? true, isSameDocument: opts.isSameDocument ?? false };
    this.emit('did-start-navigation', details);
    if (details.isMainFrame && !details.isSameDocument) {
      if (opts.newFrame) this.mainFrame = new FakeFrame(url);
      else this.mainFrame.url = url;
      this.renderer = null;
    }
  }
}

/** One document's ipcRenderer. `frame` is the frame it sends from (the main frame unless a test says otherwise). */
export class FakeIpcRenderer implements IpcRendererLike {
  private readonly listeners = new Map<string, IpcRendererListener[]>();
  /** Everything this renderer sent, for assertions. */
  readonly sent: { channel: string; args: unknown[] }[] = [];

  constructor(
    private readonly ipcMain: FakeIpcMain,
    private readonly wc: FakeWebContents,
    private readonly frame: FrameLike | null = wc.mainFrame,
    opts: { showsMainFrame?: boolean } = {},
  ) {
    if (opts.showsMainFrame ?? frame === wc.mainFrame) wc.renderer = this;
  }

  send(channel: string, ...args: unknown[]): void {
    const cloned = args.map((a) => structuredClone(a));
    this.sent.push({ channel, args: cloned });
    const event: IpcEventLike = { sender: this.wc, senderFrame: this.frame };
    setImmediate(() => this.ipcMain.receive(channel, event, cloned));
  }

  on(channel: string, listener: IpcRendererListener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }

  removeListener(channel: string, listener: IpcRendererListener): this {
    this.listeners.set(
      channel,
      (this.listeners.get(channel) ?? []).filter((l) => l !== listener),
    );
    return this;
  }

  deliver(channel: string, args: unknown[]): void {
    for (const l of [...(this.listeners.get(channel) ?? [])]) l({ sender: 'ipcRenderer' }, ...args);
  }
}
