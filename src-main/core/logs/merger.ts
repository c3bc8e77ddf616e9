// Interleaves the lines of several containers by timestamp as a streaming k-way merge. Each source
// (one container) delivers its lines in timestamp order into its own bounded queue; the merger hands
// out the smallest head whenever no other source could still deliver something earlier:
// - a source still sending its history blocks the merge while its queue is empty (its next line may
//   be the earliest of all), so history is merged exactly without ever being held whole;
// - a live source with an empty queue blocks only for `windowMs` after the candidate line arrived
//   (two containers' lines reach us with a small skew; the window absorbs it);
// - an ended source never blocks.
// A queue above `maxBytesPerSource` tells its owner to stop reading that source (the data waits in
// the engine) and to resume once it is below half. Memory is therefore bounded by sources × cap,
// whatever the history size.

export interface MergeItem {
  ts: number;
}

type SourceState = 'history' | 'live' | 'ended';

interface Entry<T> {
  item: T;
  arrival: number;
  size: number;
}

interface Source<T> {
  id: string;
  state: SourceState;
  queue: Entry<T>[];
  head: number;
  bytes: number;
  full: boolean;
  /** Timestamp of the last item pushed (markers sort after the lines before them). */
  lastTs: number;
}

export interface KWayMergerOptions<T> {
  windowMs?: number;
  maxBytesPerSource?: number;
  sizeOf(item: T): number;
  /** A source's queue crossed its cap (full) or fell below half of it (not full). */
  onFull?(sourceId: string, full: boolean): void;
}

export class KWayMerger<T extends MergeItem> {
  private readonly sources = new Map<string, Source<T>>();
  private readonly windowMs: number;
  private readonly cap: number;
  private total = 0;

  constructor(private readonly o: KWayMergerOptions<T>) {
    this.windowMs = o.windowMs ?? 100;
    this.cap = o.maxBytesPerSource ?? 512 * 1024;
  }

  addSource(id: string, state: 'history' | 'live' = 'history'): void {
    if (!this.sources.has(id)) this.sources.set(id, { id, state, queue: [], head: 0, bytes: 0, full: false, lastTs: -Infinity });
  }

  /** The source finished its history: from now on it only blocks within the window. */
  setLive(id: string): void {
    const s = this.sources.get(id);
    if (s && s.state === 'history') s.state = 'live';
  }

  /** The source will send nothing more (removed, failed); what it queued is still merged. */
  end(id: string): void {
    const s = this.sources.get(id);
    if (s) s.state = 'ended';
  }

  has(id: string): boolean {
    return this.sources.has(id);
  }

  /** Is any source still sending its history? */
  get inHistory(): boolean {
    for (const s of this.sources.values()) if (s.state === 'history') return true;
    return false;
  }

  /** Items queued, all sources. */
  get size(): number {
    return this.total;
  }

  /** Bytes queued, all sources (what the merge holds in memory). */
  get bytes(): number {
    let b = 0;
    for (const s of this.sources.values()) b += s.bytes;
    return b;
  }

  /** Timestamp to give a marker of this source so it stays after the source's earlier lines. */
  markerTs(id: string, at: number): number {
    const s = this.sources.get(id);
    return s ? Math.max(at, s.lastTs) : at;
  }

  push(id: string, item: T, now: number): void {
    const s = this.sources.get(id);
    if (!s) return; // a source that ended and was drained: nothing of it is still wanted
    const size = this.o.sizeOf(item);
    s.queue.push({ item, arrival: now, size });
    s.bytes += size;
    s.lastTs = Math.max(s.lastTs, item.ts);
    this.total++;
    if (!s.full && s.bytes >= this.cap) {
      s.full = true;
      this.o.onFull?.(id, true);
    }
  }

  /**
   * Up to `max` items in timestamp order that may go out now. `force` ignores the live window
   * (history is complete and every queued line is older than anything still to come).
   */
  take(now: number, max: number, force = false): T[] {
    const out: T[] = [];
    const cutoff = now - this.windowMs;
    while (out.length < max) {
      let best: Source<T> | null = null;
      let emptyHistory = false;
      let emptyLive = false;
      for (const s of this.sources.values()) {
        if (s.head >= s.queue.length) {
          if (s.state === 'history') emptyHistory = true;
          else if (s.state === 'live') emptyLive = true;
          continue;
        }
        if (!best || s.queue[s.head]!.item.ts < best.queue[best.head]!.item.ts) best = s;
      }
      if (!best || emptyHistory) break;
      const e = best.queue[best.head]!;
      if (emptyLive && !force && e.arrival > cutoff) break;
      out.push(e.item);
      best.queue[best.head] = undefined as unknown as Entry<T>;
      best.head++;
      best.bytes -= e.size;
      this.total--;
      if (best.head > 1024 && best.head * 2 > best.queue.length) {
        best.queue = best.queue.slice(best.head);
        best.head = 0;
      } else if (best.head === best.queue.length) {
        best.queue = [];
        best.head = 0;
      }
      if (best.full && best.bytes < this.cap / 2) {
        best.full = false;
        this.o.onFull?.(best.id, false);
      }
    }
    // Ended sources with nothing left are forgotten.
    for (const s of this.sources.values()) if (s.state === 'ended' && s.head >= s.queue.length) this.sources.delete(s.id);
    return out;
  }

  /** Is the source's queue over its cap right now? */
  isFull(id: string): boolean {
    return this.sources.get(id)?.full ?? false;
  }
}
