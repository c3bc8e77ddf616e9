// A live list of one kind of engine object on one host (images, volumes, networks), shared by every
// subscriber: the first subscriber makes it read the list, later changes (engine events, our own
// commands) re-read it — coalesced, at most one read in flight — and subscribers get the difference
// as a patch. The last subscriber leaving stops it. Nothing polls.

export type ListEvent<T> = { kind: 'snapshot'; items: T[] } | { kind: 'patch'; upserts: T[]; removed: string[] };
export type ListListener<T> = (e: ListEvent<T>) => void;

export interface ListFeedOptions<T> {
  /** Read the whole list from the engine. */
  fetch(): Promise<T[]>;
  key(item: T): string;
  /** Start listening for changes; `changed()` asks for a re-read. Returns the stop function. */
  listen(changed: () => void): () => void;
  /** A read failed (engine gone): the feed tells subscribers through this. */
  onError?(e: unknown): void;
  /** Coalescing window for bursts of events (ms). */
  coalesceMs?: number;
}

export class ListFeed<T> {
  private readonly listeners = new Set<ListListener<T>>();
  private readonly errorListeners = new Set<(e: unknown) => void>();
  private current: Map<string, { item: T; json: string }> | null = null;
  private stopListening: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading = false;
  private again = false;
  private disposed = false;

  constructor(private readonly opts: ListFeedOptions<T>) {}

  get subscriberCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: ListListener<T>, onError?: (e: unknown) => void): () => void {
    this.listeners.add(listener);
    if (onError) this.errorListeners.add(onError);
    if (this.current) listener({ kind: 'snapshot', items: [...this.current.values()].map((v) => v.item) });
    if (!this.stopListening) {
      this.stopListening = this.opts.listen(() => this.changed());
      this.changed(0);
    }
    return () => {
      this.listeners.delete(listener);
      if (onError) this.errorListeners.delete(onError);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Ask for a re-read (after an event, or after a command of ours). */
  changed(delayMs = this.opts.coalesceMs ?? 50): void {
    if (this.disposed || !this.stopListening) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.read();
    }, delayMs);
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.listeners.clear();
    this.errorListeners.clear();
  }

  private stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
    this.again = false;
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      const items = await this.opts.fetch();
      if (!this.stopListening) return;
      this.apply(items);
    } catch (e) {
      if (!this.stopListening) return;
      for (const l of this.errorListeners) l(e);
      this.opts.onError?.(e);
    } finally {
      this.reading = false;
      if (this.again && this.stopListening) {
        this.again = false;
        this.changed(0);
      }
    }
  }

  private apply(items: T[]): void {
    const next = new Map<string, { item: T; json: string }>();
    for (const item of items) next.set(this.opts.key(item), { item, json: JSON.stringify(item) });
    const prev = this.current;
    this.current = next;
    if (!prev) {
      for (const l of this.listeners) l({ kind: 'snapshot', items });
      return;
    }
    const upserts: T[] = [];
    for (const [k, v] of next) if (prev.get(k)?.json !== v.json) upserts.push(v.item);
    const removed = [...prev.keys()].filter((k) => !next.has(k));
    if (upserts.length === 0 && removed.length === 0) return;
    for (const l of this.listeners) l({ kind: 'patch', upserts, removed });
  }
}
