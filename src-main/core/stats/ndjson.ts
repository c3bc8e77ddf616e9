// Splits the engine's stats stream (one JSON document per line, chunks cut anywhere) into parsed
// objects. A malformed line is skipped, never fatal: one bad frame must not end a container's stats.
//
// Cost matters here (every running container sends a ~3 KB frame per second): chunks are decoded
// as latin1, which is several times cheaper than UTF-8 and exact for these payloads (ids, names
// limited to [a-zA-Z0-9_.-] and numbers only), and a chunk that is exactly one frame, the usual
// case, is parsed without touching the carry-over buffer.
export class NdjsonSplitter<T = unknown> {
  private buf = '';

  /** Feed a chunk; returns the complete documents it finished. */
  push(chunk: string | Buffer): T[] {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    const out: T[] = [];
    if (this.buf === '') {
      const nl = text.indexOf('\n');
      if (nl === text.length - 1) {
        this.parse(text, out);
        return out;
      }
    }
    this.buf += text;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      this.parse(line, out);
    }
    // A stats frame is a few KB; a buffer far beyond that means no newline is coming.
    if (this.buf.length > 1 << 20) this.buf = '';
    return out;
  }

  private parse(line: string, out: T[]): void {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // skip: a truncated or garbled frame
    }
  }
}
