// Interleaves the lines of several containers by timestamp. Each container's lines arrive in order,
// but two containers' lines reach us at slightly different moments, so a line is held for `windowMs`
// after it arrived and lines are released in timestamp order: as long as the containers' delivery
// skew stays under the window, the merged order is the order of their timestamps. While the sources
// are still sending their history everything is held, then sorted as a whole.

export interface MergeItem {
  ts: number;
}

interface Held<T> {
  item: T;
  arrival: number;
  order: number;
}

export class TimeMerger<T extends MergeItem> {
  private held: Held<T>[] = [];
  private sorted = true;
  private order = 0;
  private holding: boolean;
  /** The first release after the history phase hands out the whole sorted history at once. */
  private releaseAllNext = false;

  constructor(
    private readonly windowMs = 100,
    opts: { holdUntilReady?: boolean } = {},
  ) {
    this.holding = opts.holdUntilReady ?? false;
  }

  push(items: readonly T[], now: number): void {
    for (const item of items) {
      const last = this.held[this.held.length - 1];
      if (last && last.item.ts > item.ts) this.sorted = false;
      this.held.push({ item, arrival: now, order: this.order++ });
    }
  }

  /** Every source has delivered its history: from now on the window rule applies. */
  ready(): void {
    if (this.holding) this.releaseAllNext = true;
    this.holding = false;
  }

  get size(): number {
    return this.held.length;
  }

  /** Lines that may go out now, in timestamp order. `all` releases everything (end of stream). */
  release(now: number, all = false): T[] {
    if (this.holding && !all) return [];
    if (this.held.length === 0) return [];
    if (!this.sorted) {
      this.held.sort((a, b) => a.item.ts - b.item.ts || a.order - b.order);
      this.sorted = true;
    }
    if (all || this.releaseAllNext) {
      this.releaseAllNext = false;
      const out = this.held.map((h) => h.item);
      this.held = [];
      return out;
    }
    const cutoff = now - this.windowMs;
    let n = 0;
    while (n < this.held.length && this.held[n]!.arrival <= cutoff) n++;
    if (n === 0) return [];
    const out = this.held.slice(0, n).map((h) => h.item);
    this.held = this.held.slice(n);
    return out;
  }
}
