// A small streaming tar reader (ustar/GNU/PAX headers as the engine's Go archive/tar and GNU/busybox
// tar write them): it walks the 512-byte headers, hands each entry's data to a callback and skips
// the rest, so it never holds more than one block plus the chunk in hand. Used to check a backup
// before a restore wipes anything and to take the one file out of an /archive answer for a single
// path. No dependency: the reader is ~100 lines, and only entry names, types and sizes are needed.
import { Writable } from 'node:stream';

export interface TarEntry {
  /** The full name (a PAX `path` or a GNU long name when there is one). */
  name: string;
  /** '0' file, '5' directory, '2' symlink, '1' hard link, others as written. */
  type: string;
  size: number;
}

const BLOCK = 512;

/** A numeric header field: octal text, or base-256 (high bit set) for large values. */
export function tarNumber(b: Buffer): number {
  if (b.length > 0 && (b[0]! & 0x80) !== 0) {
    let n = b[0]! & 0x7f;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i]!;
    return n;
  }
  const s = b.toString('latin1').replace(/\0.*$/s, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new Error(`not a tar header (number field "${s.slice(0, 20)}")`);
  return parseInt(s, 8);
}

function headerChecksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === tarNumber(h.subarray(148, 156));
}

function cString(b: Buffer): string {
  const i = b.indexOf(0);
  return b.subarray(0, i < 0 ? b.length : i).toString('utf8');
}

/** PAX records: "<len> key=value\n"… */
function paxPath(data: Buffer): string | undefined {
  let off = 0;
  let path: string | undefined;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    if (sp < 0) break;
    const len = parseInt(data.subarray(off, sp).toString('latin1'), 10);
    if (!(len > 0)) break;
    const rec = data.subarray(sp + 1, off + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0 && rec.slice(0, eq) === 'path') path = rec.slice(eq + 1);
    off += len;
  }
  return path;
}

/** Metadata entries whose data is read into memory (bounded) to name the next entry. */
const META = new Set(['x', 'g', 'L', 'K']);
const MAX_META = 1024 * 1024;

export interface TarReaderOptions {
  /** Each entry (not the metadata ones); return true to receive its data through onData. */
  onEntry(e: TarEntry): boolean | void;
  onData?(chunk: Buffer): void;
  onEntryEnd?(): void;
  /** After each chunk: a promise to wait for before taking the next one (the consumer's drain). */
  drain?(): Promise<void> | null;
}

/**
 * A Writable that parses a tar stream. It fails (the stream errors) on a bad header, and at the end
 * when the archive stopped in the middle of an entry: a truncated tar is an error, not a short one.
 */
export class TarReader extends Writable {
  private head: Buffer = Buffer.alloc(0);
  /** Bytes of the current entry's data (and then its padding) still to come. */
  private remaining = 0;
  private padding = 0;
  private wanted = false;
  private meta: { type: string; parts: Buffer[]; size: number } | null = null;
  private longName: string | undefined;
  private paxName: string | undefined;
  private current = false;
  private sawEnd = false;
  entries = 0;
  bytes = 0;

  constructor(private readonly o: TarReaderOptions) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    try {
      this.take(chunk);
    } catch (e) {
      cb(e as Error);
      return;
    }
    const wait = this.o.drain?.();
    if (wait) void wait.then(() => cb());
    else cb();
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (this.remaining > 0 || this.padding > 0 || this.meta || this.head.length > 0) cb(new Error('the archive ends in the middle of an entry (truncated)'));
    else if (!this.sawEnd && this.entries === 0) cb(new Error('the archive is empty (no tar entries)'));
    else cb();
  }

  private take(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.sawEnd) return; // trailing zero blocks and whatever follows are ignored, as tar does
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - off);
        const part = chunk.subarray(off, off + n);
        if (this.meta) this.meta.parts.push(Buffer.from(part));
        else if (this.wanted) this.o.onData?.(part);
        this.remaining -= n;
        off += n;
        if (this.remaining === 0) this.entryDataDone();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - off);
        this.padding -= n;
        off += n;
        continue;
      }
      const need = BLOCK - this.head.length;
      const n = Math.min(need, chunk.length - off);
      this.head = this.head.length === 0 && n === BLOCK ? chunk.subarray(off, off + n) : Buffer.concat([this.head, chunk.subarray(off, off + n)]);
      off += n;
      if (this.head.length === BLOCK) {
        const h = this.head;
        this.head = Buffer.alloc(0);
        this.header(h);
      }
    }
  }

  private header(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      this.sawEnd = true;
      return;
    }
    if (!headerChecksumOk(h)) throw new Error('not a tar archive (bad header checksum)');
    const size = tarNumber(h.subarray(124, 136));
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = h.subarray(257, 263).toString('latin1').startsWith('ustar') ? cString(h.subarray(345, 500)) : '';
    const base = cString(h.subarray(0, 100));
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (META.has(type)) {
      if (size > MAX_META) throw new Error('a tar metadata entry is too large');
      this.meta = { type, parts: [], size };
      if (size === 0) this.entryDataDone();
      return;
    }
    const name = this.paxName ?? this.longName ?? (prefix ? `${prefix}/${base}` : base);
    this.paxName = undefined;
    this.longName = undefined;
    this.entries += 1;
    // Only regular files carry data (links and directories may state a size they do not have).
    if (type !== '0' && type !== '\0' && type !== '7') {
      this.remaining = 0;
      this.padding = 0;
    }
    this.bytes += this.remaining;
    this.current = true;
    this.wanted = this.o.onEntry({ name, type: type === '\0' ? '0' : type, size: this.remaining }) === true;
    if (this.remaining === 0) this.entryDataDone();
  }

  private entryDataDone(): void {
    if (this.meta) {
      const data = Buffer.concat(this.meta.parts);
      if (this.meta.type === 'x') this.paxName = paxPath(data) ?? this.paxName;
      if (this.meta.type === 'L') this.longName = cString(data);
      this.meta = null;
      return;
    }
    if (this.current) {
      if (this.wanted) this.o.onEntryEnd?.();
      this.current = false;
      this.wanted = false;
    }
  }
}
