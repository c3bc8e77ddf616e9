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

/**
 * A source's queue as parallel arrays (items, arrival times, sizes) rather than one entry object per
 * item: a queued line lives long enough (it waits for the slowest container) to be promoted to V8's
 * old space, and every object per line promoted there is garbage the process holds until the next
 * full GC — the bench's peak RSS under a flood was that, not data retained.
 */
interface Source<T> {
  id: string;
  state: SourceState;
  items: T[];
  arrivals: number[];
  sizes: number[];
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

/**
 * Per-source cap. Small on purpose: the smaller the queues, the sooner a line leaves the merge, and a
 * line that leaves before two scavenges dies in V8's young generation instead of being promoted
 * (project-logs bench: peak RSS, see docs/bench.md). 128 KiB is still thousands of lines per source.
 */
export const DEFAULT_MAX_BYTES_PER_SOURCE = 128 * 1024;

export class KWayMerger<T extends MergeItem> {
  private readonly sources = new Map<string, Source<T>>();
  private readonly windowMs: number;
  private readonly cap: number;
  private total = 0;

  constructor(private readonly o: KWayMergerOptions<T>) {
    this.windowMs = o.windowMs ?? 100;
    this.cap = o.maxBytesPerSource ?? DEFAULT_MAX_BYTES_PER_SOURCE;
  }

  addSource(id: string, state: 'history' | 'live' = 'history'): void {
    if (!this.sources.has(id)) this.sources.set(id, { id, state, items: [], arrivals: [], sizes: [], head: 0, bytes: 0, full: false, lastTs: -Infinity });
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
    s.items.push(item);
    s.arrivals.push(now);
    s.sizes.push(size);
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
        if (s.head >= s.items.length) {
          if (s.state === 'history') emptyHistory = true;
          else if (s.state === 'live') emptyLive = true;
          continue;
        }
        if (!best || s.items[s.head]!.ts < best.items[best.head]!.ts) best = s;
      }
      if (!best || emptyHistory) break;
      const h = best.head;
      if (emptyLive && !force && best.arrivals[h]! > cutoff) break;
      out.push(best.items[h]!);
      best.items[h] = undefined as unknown as T;
      best.head++;
      best.bytes -= best.sizes[h]!;
      this.total--;
      if (best.head > 1024 && best.head * 2 > best.items.length) {
        best.items = best.items.slice(best.head);
        best.arrivals = best.arrivals.slice(best.head);
        best.sizes = best.sizes.slice(best.head);
        best.head = 0;
      } else if (best.head === best.items.length) {
        best.items = [];
        best.arrivals = [];
        best.sizes = [];
        best.head = 0;
      }
      if (best.full && best.bytes < this.cap / 2) {
        best.full = false;
        this.o.onFull?.(best.id, false);
      }
    }
    // Ended sources with nothing left are forgotten.
    for (const s of this.sources.values()) if (s.state === 'ended' && s.head >= s.items.length) this.sources.delete(s.id);
    return out;
  }

  /** Is the source's queue over its cap right now? */
  isFull(id: string): boolean {
    return this.sources.get(id)?.full ?? false;
  }
}
