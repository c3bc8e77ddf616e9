// Splits the engine's stats stream (one JSON document per line, chunks cut anywhere) into parsed
// objects. A malformed line is skipped, never fatal: one bad frame must not end a container's stats.
export class NdjsonSplitter<T = unknown> {
  private buf = '';

  /** Feed a chunk; returns the complete documents it finished. */
  push(chunk: string | Buffer): T[] {
    this.buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const out: T[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as T);
      } catch {
        // skip: a truncated or garbled frame
      }
    }
    // A stats frame is a few KB; a buffer far beyond that means no newline is coming.
    if (this.buf.length > 1 << 20) this.buf = '';
    return out;
  }
}
