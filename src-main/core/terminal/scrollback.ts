// The bounded scrollback of one terminal session: what a re-attaching view replays. It keeps the
// most recent output up to a size limit (in UTF-16 code units, close enough to bytes for terminal
// output, and never splitting a surrogate pair), as a list of chunks so appends stay O(1) amortised.

export class Scrollback {
  private chunks: string[] = [];
  private size = 0;

  constructor(readonly limit = 256 * 1024) {
    if (!(limit > 0)) throw new Error('scrollback limit must be positive');
  }

  get length(): number {
    return this.size;
  }

  append(data: string): void {
    if (data.length === 0) return;
    if (data.length >= this.limit) {
      this.chunks = [cutStart(data, data.length - this.limit)];
      this.size = this.chunks[0]!.length;
      return;
    }
    this.chunks.push(data);
    this.size += data.length;
    this.trim();
  }

  /** Everything kept, oldest first. Also compacts the chunk list (replays are rare, appends many). */
  toString(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
  }

  private trim(): void {
    let excess = this.size - this.limit;
    while (excess > 0 && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        excess -= first.length;
      } else {
        const rest = cutStart(first, excess);
        this.size -= first.length - rest.length;
        this.chunks[0] = rest;
        excess = 0;
      }
    }
  }
}

/**
 * Drop at least `n` code units from the start. When a line break follows soon after the cut, cut
 * there instead, so a replay starts on a fresh line rather than in the middle of one (or of an
 * escape sequence, which usually sits inside a line). Never leaves a lone low surrogate first.
 */
export function cutStart(s: string, n: number): string {
  if (n <= 0) return s;
  if (n >= s.length) return '';
  const nl = s.indexOf('\n', n);
  if (nl !== -1 && nl - n < 4096) return s.slice(nl + 1);
  let i = n;
  const code = s.charCodeAt(i);
  if (code >= 0xdc00 && code <= 0xdfff) i++;
  return s.slice(i);
}
