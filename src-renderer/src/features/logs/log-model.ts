// The renderer's log buffer and what the view shows of it. A bounded buffer (oldest lines dropped
// first) so memory stays flat however long a container talks; search and the "only matching lines"
// filter are kept incrementally as lines arrive (only new lines are tested), and recomputed in full
// only when the query, the filter or the hidden services change. No React, no DOM: unit-testable.
import { plainText } from './ansi';

export type LogStream = 'stdout' | 'stderr';

export type LogEntry =
  | { kind: 'line'; ts: number; stream: LogStream; text: string; plain: string; src?: string; key: number }
  | { kind: 'marker'; ts: number; text: string; key: number };

export interface IncomingLine {
  ts: number;
  stream: LogStream;
  text: string;
  src?: string;
}

export interface QueryOptions {
  query: string;
  regex: boolean;
  matchCase: boolean;
  /** Keep only matching lines (markers stay, for context). */
  filterOnly: boolean;
}

export interface CompiledQuery {
  /** A global regex for highlighting, or null when there is no query. */
  re: RegExp | null;
  /** Why the regex is invalid (shown inline), or null. */
  error: string | null;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileQuery(q: Pick<QueryOptions, 'query' | 'regex' | 'matchCase'>): CompiledQuery {
  if (q.query === '') return { re: null, error: null };
  try {
    return { re: new RegExp(q.regex ? q.query : escapeRe(q.query), q.matchCase ? 'g' : 'gi'), error: null };
  } catch (e) {
    return { re: null, error: e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e) };
  }
}

/** [start, end) ranges of every match in a line's plain text. */
export function matchRanges(re: RegExp | null, text: string): [number, number][] {
  if (!re) return [];
  const out: [number, number][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      if (re.lastIndex > text.length) break;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
    if (out.length > 500) break;
  }
  return out;
}

// Keys grow with arrival; lines loaded earlier get keys below every key so far, so the view is
// always sorted by key (the scroll anchor finds its line again by binary search).
let keys = 0;
let earlierKeys = 0;

export class LogModel {
  private items: LogEntry[] = [];
  private head = 0;
  /** Absolute position of items[head]: positions stay valid while lines drop off the front. */
  private base = 0;
  private opts: QueryOptions = { query: '', regex: false, matchCase: false, filterOnly: false };
  private compiled: CompiledQuery = { re: null, error: null };
  private hidden = new Set<string>();
  /** Absolute positions of the entries the view shows, or null: all of them. */
  private viewAbs: number[] | null = null;
  /** Absolute positions of lines that match the query (for "3 of 120" and next/previous). */
  private matchAbs: number[] = [];
  /** Bumped on every change; views re-render on it. */
  version = 0;
  /** Lines dropped off the front since the last clear (shown as "n older lines dropped"). */
  droppedCount = 0;

  constructor(public capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get query(): QueryOptions {
    return this.opts;
  }

  get error(): string | null {
    return this.compiled.error;
  }

  get highlight(): RegExp | null {
    return this.compiled.re;
  }

  get matchCount(): number {
    return this.matchAbs.length;
  }

  get viewLength(): number {
    return this.viewAbs ? this.viewAbs.length : this.size;
  }

  /** The oldest line held (for "load earlier"), and how many lines share its millisecond. */
  oldest(): { ts: number; sameMs: number } | null {
    let first: LogEntry | undefined;
    let n = 0;
    for (let i = this.head; i < this.items.length; i++) {
      const e = this.items[i]!;
      if (e.kind !== 'line') continue;
      if (!first) first = e;
      if (e.ts !== first.ts) break;
      n++;
    }
    return first ? { ts: first.ts, sameMs: n } : null;
  }

  viewAt(i: number): LogEntry | undefined {
    const abs = this.viewAbs ? this.viewAbs[i] : this.base + i;
    return abs === undefined ? undefined : this.items[this.head + abs - this.base];
  }

  /** The view index of the first entry whose key is >= key (scroll anchoring). */
  viewIndexOfKey(key: number): number {
    let lo = 0;
    let hi = this.viewLength;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.viewAt(mid)!.key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Absolute position of the n-th match. */
  matchAbsAt(n: number): number | undefined {
    return this.matchAbs[n];
  }

  /** Which match (0-based) an absolute position is, or the next one after it. */
  matchIndexOfAbs(abs: number): number {
    return lowerBound(this.matchAbs, abs);
  }

  /** Absolute position of a view index. */
  absOfView(i: number): number {
    return this.viewAbs ? (this.viewAbs[i] ?? Infinity) : this.base + i;
  }

  /** The view index of an absolute position (or the next visible one). */
  viewIndexOfAbs(abs: number): number {
    return this.viewAbs ? lowerBound(this.viewAbs, abs) : abs - this.base;
  }

  /** The view index of the n-th match (0-based), for next/previous. */
  matchViewIndex(n: number): number {
    const abs = this.matchAbs[n];
    if (abs === undefined) return -1;
    if (!this.viewAbs) return abs - this.base;
    return lowerBound(this.viewAbs, abs);
  }

  /** The first match at or after a view index (to start next/previous from where the user is). */
  matchAtOrAfter(viewIndex: number): number {
    const abs = this.viewAbs ? (this.viewAbs[viewIndex] ?? Infinity) : this.base + viewIndex;
    return lowerBound(this.matchAbs, abs);
  }

  private isMatch(e: LogEntry): boolean {
    if (e.kind !== 'line' || !this.compiled.re) return false;
    const re = this.compiled.re;
    re.lastIndex = 0;
    return re.test(e.plain);
  }

  private visible(e: LogEntry, matched: boolean): boolean {
    if (e.kind === 'marker') return true;
    if (e.src !== undefined && this.hidden.has(e.src)) return false;
    return !this.opts.filterOnly || !this.compiled.re || matched;
  }

  private get needsView(): boolean {
    return (this.opts.filterOnly && this.compiled.re !== null) || this.hidden.size > 0;
  }

  append(lines: readonly IncomingLine[]): void {
    const needsView = this.needsView;
    const hasQuery = this.compiled.re !== null;
    for (const l of lines) {
      const e: LogEntry = { kind: 'line', ts: l.ts, stream: l.stream, text: l.text, plain: plainText(l.text), key: keys++ };
      if (l.src !== undefined) e.src = l.src;
      const abs = this.base + this.size;
      this.items.push(e);
      const m = hasQuery && this.isMatch(e);
      if (m && (e.src === undefined || !this.hidden.has(e.src))) this.matchAbs.push(abs);
      if (needsView && this.visible(e, m)) this.viewAbs!.push(abs);
    }
    this.trim();
    this.version++;
  }

  marker(ts: number, text: string): void {
    const abs = this.base + this.size;
    this.items.push({ kind: 'marker', ts, text, key: keys++ });
    if (this.viewAbs) this.viewAbs.push(abs);
    this.trim();
    this.version++;
  }

  /** Older lines in front ("load earlier"). Only as many as fit: the buffer never exceeds capacity. */
  prepend(lines: readonly IncomingLine[]): number {
    const room = Math.max(0, this.capacity - this.size);
    const take = lines.slice(Math.max(0, lines.length - room));
    if (take.length === 0) return 0;
    earlierKeys -= take.length;
    const first = earlierKeys;
    const entries: LogEntry[] = take.map((l, i) => ({ kind: 'line', ts: l.ts, stream: l.stream, text: l.text, plain: plainText(l.text), key: first + i, ...(l.src !== undefined ? { src: l.src } : {}) }));
    this.items = entries.concat(this.items.slice(this.head));
    this.head = 0;
    this.base -= entries.length;
    this.recompute();
    return entries.length;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.base = 0;
    this.droppedCount = 0;
    this.recompute();
  }

  setCapacity(n: number): void {
    this.capacity = n;
    this.trim();
    this.version++;
  }

  setQuery(opts: QueryOptions): void {
    this.opts = opts;
    this.compiled = compileQuery(opts);
    this.recompute();
  }

  setHidden(hidden: ReadonlySet<string>): void {
    this.hidden = new Set(hidden);
    this.recompute();
  }

  private recompute(): void {
    this.matchAbs = [];
    this.viewAbs = this.needsView ? [] : null;
    for (let i = this.head; i < this.items.length; i++) {
      const e = this.items[i]!;
      const abs = this.base + i - this.head;
      const m = this.isMatch(e);
      const vis = this.visible(e, m);
      if (m && vis) this.matchAbs.push(abs);
      if (this.viewAbs && vis) this.viewAbs.push(abs);
    }
    this.version++;
  }

  private trim(): void {
    const over = this.size - this.capacity;
    if (over <= 0) return;
    this.head += over;
    this.base += over;
    this.droppedCount += over;
    if (this.matchAbs.length && this.matchAbs[0]! < this.base) this.matchAbs.splice(0, lowerBound(this.matchAbs, this.base));
    if (this.viewAbs && this.viewAbs.length && this.viewAbs[0]! < this.base) this.viewAbs.splice(0, lowerBound(this.viewAbs, this.base));
    // Compact now and then (not on every line): the array holds at most 2× capacity.
    if (this.head > this.capacity) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** First index i with arr[i] >= x (arr ascending). */
export function lowerBound(arr: readonly number[], x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
