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

/** Per-stream state. Message boundaries and timestamps are found in bytes ("\n" and " " never
 *  occur inside a UTF-8 sequence), so a character split across two messages of a long line, with the
 *  second message's timestamp in between, is joined back before decoding. */
class StreamText {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  /** Decoded text of the current, incomplete line. */
  private carry = '';
  /** Bytes of the line not yet decoded (the decoder is only run with stream:true inside a line). */
  private pendingText = false;
  /** The timestamp of the current line (of its first message). */
  private lineTs = '';
  /** At the start of a message: the next bytes are a timestamp. */
  private atMessageStart = true;
  /** Bytes of a timestamp split across chunks. */
  private head: number[] = [];

  constructor(
    private readonly stream: LogStreamName,
    private readonly emit: (line: ParsedLine) => void,
  ) {}

  feed(bytes: Uint8Array, messageEnd: boolean): void {
    let pos = 0;
    const len = bytes.length;
    while (pos < len) {
      if (this.atMessageStart) {
        const limit = Math.min(len, pos + MAX_TS_LEN + 1 - this.head.length);
        let sp = pos;
        while (sp < limit && bytes[sp] !== 32) sp++;
        if (sp === limit && (sp === len ? this.head.length + (len - pos) <= MAX_TS_LEN : false)) {
          // The timestamp is split across chunks: keep its bytes and wait for the rest.
          for (let i = pos; i < len; i++) this.head.push(bytes[i]!);
          break;
        }
        this.atMessageStart = false;
        const headBytes = this.head;
        this.head = [];
        if (sp < limit) {
          let ts = '';
          for (const b of headBytes) ts += String.fromCharCode(b);
          for (let i = pos; i < sp; i++) ts += String.fromCharCode(bytes[i]!);
          if (!Number.isNaN(parseTimestampMs(ts))) {
            // A continuation of a partial line keeps the timestamp of the line's first part.
            if (!this.inLine) this.lineTs = ts;
            pos = sp + 1;
            continue;
          }
        }
        // No timestamp after all: what we held back is text.
        if (!this.inLine) this.lineTs = '';
        if (headBytes.length > 0) this.text(Uint8Array.from(headBytes), false);
        continue;
      }
      const nl = bytes.indexOf(10, pos);
      if (nl < 0) {
        this.text(bytes.subarray(pos), true);
        break;
      }
      this.text(bytes.subarray(pos, nl), false);
      const line = this.carry;
      this.carry = '';
      this.atMessageStart = true;
      pos = nl + 1;
      this.emitLine(line);
    }
    // A frame (message) that ended without "\n" is a partial line: the next message of this stream
    // starts with its own timestamp, which is dropped when it is joined on.
    if (messageEnd) this.atMessageStart = true;
  }

  private inLineFlag = false;
  private get inLine(): boolean {
    return this.inLineFlag || this.carry !== '' || this.pendingText;
  }

  /** Decode bytes of the current line. `more`: the line continues (keep a split character). */
  private text(bytes: Uint8Array, more: boolean): void {
    this.inLineFlag = true;
    if (more) {
      this.carry += this.decoder.decode(bytes, { stream: true });
      this.pendingText = true;
    } else {
      // End of the line: flush, so an incomplete sequence at its end becomes U+FFFD here.
      this.carry += this.decoder.decode(bytes);
      this.pendingText = false;
    }
  }

  /** The stream ended: flush what the decoder holds and the last line without "\n". */
  end(): void {
    if (this.head.length > 0) {
      this.text(Uint8Array.from(this.head), false);
      this.head = [];
    }
    if (this.pendingText) this.text(new Uint8Array(0), false);
    if (this.inLine) {
      const line = this.carry;
      this.carry = '';
      this.emitLine(line);
    }
    this.atMessageStart = true;
  }

  private emitLine(text: string): void {
    this.inLineFlag = false;
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
