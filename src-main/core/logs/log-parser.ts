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

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Digits at [start, start+n) as a number, or NaN. */
function digits(s: string, start: number, n: number): number {
  let v = 0;
  for (let i = start; i < start + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Epoch ms of an RFC 3339 timestamp. The engine's UTC form ("2024-05-01T12:00:00.123456789Z") is
 * read digit by digit (Date.parse per line was the parser's hottest spot); anything else goes
 * through Date.parse.
 */
export function parseTimestampMs(raw: string): number {
  const n = raw.length;
  if (n >= 21 && n <= 30 && raw.charCodeAt(n - 1) === 90 /* Z */ && raw.charCodeAt(19) === 46 /* . */ && raw.charCodeAt(10) === 84 /* T */) {
    const mo = digits(raw, 5, 2);
    const d = digits(raw, 8, 2);
    if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31) || Number.isNaN(digits(raw, 20, n - 21))) return NaN;
    const days = daysFromCivil(digits(raw, 0, 4), mo, d);
    const fracDigits = Math.min(3, n - 21);
    const frac = fracDigits === 0 ? 0 : digits(raw, 20, fracDigits) * (fracDigits === 1 ? 100 : fracDigits === 2 ? 10 : 1);
    const ms = ((days * 24 + digits(raw, 11, 2)) * 60 + digits(raw, 14, 2)) * 60_000 + digits(raw, 17, 2) * 1000 + frac;
    return ms;
  }
  return Date.parse(raw);
}

/** ASCII/latin1 bytes → string without a decoder (timestamps are ASCII). */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.isBuffer(bytes) ? bytes.toString('latin1', start, end) : String.fromCharCode(...bytes.subarray(start, end));
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
  /** The timestamp of the current line (of its first message), raw and in epoch ms. */
  private lineTs = '';
  private lineMs = 0;
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
          let ts = latin1(bytes, pos, sp);
          if (headBytes.length > 0) ts = latin1(Uint8Array.from(headBytes), 0, headBytes.length) + ts;
          const ms = parseTimestampMs(ts);
          if (!Number.isNaN(ms)) {
            // A continuation of a partial line keeps the timestamp of the line's first part.
            if (!this.inLine) {
              this.lineTs = ts;
              this.lineMs = ms;
            }
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
    if (!more && !this.pendingText && this.carry === '') {
      // The common case: a whole line in one piece.
      this.carry = this.decoder.decode(bytes);
      return;
    }
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
    this.emit({ tsRaw, ts: tsRaw ? this.lineMs : Date.now(), stream: this.stream, text });
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
