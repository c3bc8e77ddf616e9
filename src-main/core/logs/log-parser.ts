// Turns the engine's log stream into lines. Non-TTY containers: the engine multiplexes stdout and
// stderr into frames of [stream:1][0:3][size:4 BE][payload]; frames may be split anywhere across
// HTTP chunks, so the header and payload are reassembled here. TTY containers: one raw stream.
// Every message starts with the timestamp we ask for ("2024-05-01T12:00:00.123456789Z "); a line
// longer than the engine's 16 KB buffer arrives as several messages (each with its own timestamp)
// of which only the last ends in "\n": those are joined back into one line. Bytes are decoded per
// stream with a streaming UTF-8 decoder (invalid bytes → U+FFFD, a character split across chunks
// survives). Nothing else is stripped: ANSI escapes, "\r" and control characters stay as written.

export type LogStreamName = 'stdout' | 'stderr';

export interface ParsedLine {
  /** The engine's timestamp as written (RFC 3339, nanoseconds); '' when the engine sent none. */
  tsRaw: string;
  /** Epoch ms. */
  ts: number;
  stream: LogStreamName;
  text: string;
}

/** Longest timestamp prefix accepted (RFC3339NanoFixed with a numeric offset is 35 characters). */
const MAX_TS_LEN = 36;

let cachedSecPrefix = '';
let cachedSecMs = 0;

/** Epoch ms of an RFC 3339 timestamp; fast path for the engine's UTC form (same second → no Date.parse). */
export function parseTimestampMs(raw: string): number {
  if (raw.length >= 24 && raw.charCodeAt(19) === 46 /* . */ && raw.endsWith('Z')) {
    const sec = raw.slice(0, 19);
    if (sec !== cachedSecPrefix) {
      const ms = Date.parse(`${sec}Z`);
      if (Number.isNaN(ms)) return NaN;
      cachedSecPrefix = sec;
      cachedSecMs = ms;
    }
    const frac = raw.slice(20, 23);
    return cachedSecMs + Number(frac.padEnd(3, '0'));
  }
  return Date.parse(raw);
}

/** Per-stream text state: decoder, the line being assembled and the message-boundary state. */
class StreamText {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  /** Text of the current, incomplete line. */
  private carry = '';
  /** The timestamp of the current line (of its first message). */
  private lineTs = '';
  /** At the start of a message: the next bytes are a timestamp. */
  private atMessageStart = true;
  /** Characters of a timestamp split across chunks. */
  private head = '';

  constructor(
    private readonly stream: LogStreamName,
    private readonly emit: (line: ParsedLine) => void,
  ) {}

  feed(bytes: Uint8Array, messageEnd: boolean): void {
    let text = this.decoder.decode(bytes, { stream: true });
    let pos = 0;
    while (pos < text.length) {
      if (this.atMessageStart) {
        if (this.head) {
          text = this.head + text.slice(pos);
          pos = 0;
          this.head = '';
        }
        const sp = text.indexOf(' ', pos);
        if (sp < 0 && text.length - pos < MAX_TS_LEN) {
          // The timestamp is split across chunks: wait for the rest.
          this.head = text.slice(pos);
          return;
        }
        this.atMessageStart = false;
        if (sp >= 0 && sp - pos <= MAX_TS_LEN) {
          const ts = text.slice(pos, sp);
          if (!Number.isNaN(parseTimestampMs(ts))) {
            // A continuation of a partial line keeps the timestamp of the line's first part.
            if (this.carry === '') this.lineTs = ts;
            pos = sp + 1;
          } else if (this.carry === '') this.lineTs = '';
        } else if (this.carry === '') this.lineTs = '';
      }
      const nl = text.indexOf('\n', pos);
      if (nl < 0) {
        this.carry += text.slice(pos);
        break;
      }
      const line = this.carry === '' ? text.slice(pos, nl) : this.carry + text.slice(pos, nl);
      this.carry = '';
      this.atMessageStart = true;
      pos = nl + 1;
      this.emitLine(line);
    }
    // A frame (message) that ended without "\n" is a partial line: the next message of this stream
    // starts with its own timestamp, which is dropped when it is joined on.
    if (messageEnd) this.atMessageStart = true;
  }

  /** The stream ended: flush what the decoder holds and the last line without "\n". */
  end(): void {
    const rest = this.decoder.decode();
    if (rest) this.carry += rest;
    if (this.head) {
      this.carry += this.head;
      this.head = '';
    }
    if (this.carry !== '') {
      const line = this.carry;
      this.carry = '';
      this.emitLine(line);
    }
    this.atMessageStart = true;
  }

  private emitLine(text: string): void {
    const tsRaw = this.lineTs;
    const ts = tsRaw ? parseTimestampMs(tsRaw) : Date.now();
    this.emit({ tsRaw, ts: Number.isNaN(ts) ? Date.now() : ts, stream: this.stream, text });
  }
}

export interface LogParserOptions {
  /** The container has a TTY: the stream is raw (no frames), everything is stdout. */
  tty: boolean;
  onLine(line: ParsedLine): void;
}

/** Feed it the engine's chunks with push(); call end() when the stream ends. */
export class LogParser {
  private readonly out: StreamText;
  private readonly err: StreamText;
  private readonly header = new Uint8Array(8);
  private headerFill = 0;
  private frameLeft = 0;
  private frameStream: StreamText | null = null;

  constructor(private readonly opts: LogParserOptions) {
    this.out = new StreamText('stdout', opts.onLine);
    this.err = new StreamText('stderr', opts.onLine);
  }

  push(chunk: Uint8Array): void {
    if (this.opts.tty) {
      this.out.feed(chunk, false);
      return;
    }
    let pos = 0;
    while (pos < chunk.length) {
      if (this.frameLeft === 0) {
        const need = 8 - this.headerFill;
        const take = Math.min(need, chunk.length - pos);
        this.header.set(chunk.subarray(pos, pos + take), this.headerFill);
        this.headerFill += take;
        pos += take;
        if (this.headerFill < 8) return;
        this.headerFill = 0;
        const size = ((this.header[4]! << 24) >>> 0) + (this.header[5]! << 16) + (this.header[6]! << 8) + this.header[7]!;
        // 0 stdin (never in logs), 1 stdout, 2 stderr; anything else is treated as stdout.
        this.frameStream = this.header[0] === 2 ? this.err : this.out;
        this.frameLeft = size;
        if (size === 0) continue;
      }
      const take = Math.min(this.frameLeft, chunk.length - pos);
      this.frameLeft -= take;
      this.frameStream!.feed(chunk.subarray(pos, pos + take), this.frameLeft === 0);
      pos += take;
    }
  }

  end(): void {
    this.out.end();
    this.err.end();
  }
}
