// Collects lines and hands them on in batches: after maxMs from the first line of a batch, or as
// soon as the batch holds maxLines lines or maxBytes of text, whichever comes first. One message per
// line would swamp the transport and the renderer; one per ~50 ms keeps the view live and cheap.

export interface BatcherOptions {
  maxMs?: number;
  maxLines?: number;
  maxBytes?: number;
}

export class Batcher<T> {
  private items: T[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxMs: number;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private disposed = false;

  constructor(
    private readonly deliver: (items: T[]) => void,
    opts: BatcherOptions = {},
  ) {
    this.maxMs = opts.maxMs ?? 50;
    this.maxLines = opts.maxLines ?? 1000;
    this.maxBytes = opts.maxBytes ?? 64 * 1024;
  }

  /** size: roughly the bytes this item costs on the wire (its text length is close enough). */
  push(item: T, size: number): void {
    if (this.disposed) return;
    this.items.push(item);
    this.bytes += size;
    if (this.items.length >= this.maxLines || this.bytes >= this.maxBytes) {
      this.flush();
      return;
    }
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.maxMs);
  }

  get pending(): number {
    return this.items.length;
  }

  /** Deliver what is held now (call before a non-line event so order is kept). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.items.length === 0 || this.disposed) return;
    const items = this.items;
    this.items = [];
    this.bytes = 0;
    this.deliver(items);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.items = [];
    this.disposed = true;
  }
}
