import { describe, expect, it } from 'vitest';
import { LogParser, parseTimestampMs, type ParsedLine } from '../../../../src-main/core/logs/log-parser';

const TS = '2024-05-01T12:00:00.123456789Z';
const TS2 = '2024-05-01T12:00:01.500000000Z';

/** One multiplexed frame: [stream][0 0 0][size BE][payload]. */
function frame(stream: 1 | 2, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

function parse(tty: boolean, chunks: Buffer[]): ParsedLine[] {
  const out: ParsedLine[] = [];
  const p = new LogParser({ tty, onLine: (l) => out.push(l) });
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

/** Every way of cutting `buf` into pieces of `size` bytes. */
function chop(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('LogParser (multiplexed)', () => {
  const stream = Buffer.concat([frame(1, `${TS} hello\n`), frame(2, `${TS2} oops: é✓\n`), frame(1, `${TS2} \n`)]);
  const expected = [
    { tsRaw: TS, ts: Date.parse('2024-05-01T12:00:00.123Z'), stream: 'stdout', text: 'hello' },
    { tsRaw: TS2, ts: Date.parse('2024-05-01T12:00:01.500Z'), stream: 'stderr', text: 'oops: é✓' },
    { tsRaw: TS2, ts: Date.parse('2024-05-01T12:00:01.500Z'), stream: 'stdout', text: '' },
  ];

  it('demuxes frames, labels stdout/stderr and strips only the timestamp', () => {
    expect(parse(false, [stream])).toEqual(expected);
  });

  it('gives the same lines whatever the chunking (frames, headers, timestamps and multi-byte characters split)', () => {
    for (let size = 1; size <= 20; size++) expect(parse(false, chop(stream, size))).toEqual(expected);
  });

  it('decodes invalid UTF-8 as U+FFFD without dropping the rest', () => {
    const lines = parse(false, [frame(1, Buffer.concat([Buffer.from(`${TS} a`), Buffer.from([0xff, 0xfe]), Buffer.from('b\n')]))]);
    expect(lines.map((l) => l.text)).toEqual(['a\uFFFD\uFFFDb']);
  });

  it('keeps a multi-byte character split across two frames of the same stream (a partial message)', () => {
    const check = Buffer.from('✓'); // 3 bytes
    const lines = parse(false, [frame(1, Buffer.concat([Buffer.from(`${TS} x`), check.subarray(0, 1)])), frame(1, Buffer.concat([Buffer.from(`${TS2} `), check.subarray(1), Buffer.from('y\n')]))]);
    expect(lines).toEqual([{ tsRaw: TS, ts: expected[0]!.ts, stream: 'stdout', text: 'x✓y' }]);
  });

  it('joins a long line sent as partial messages, keeping the first timestamp and dropping the others', () => {
    const lines = parse(false, [frame(1, `${TS} part1-`), frame(2, `${TS} err\n`), frame(1, `${TS2} part2\n`)]);
    expect(lines.map((l) => [l.stream, l.text, l.tsRaw])).toEqual([
      ['stderr', 'err', TS],
      ['stdout', 'part1-part2', TS],
    ]);
  });

  it('keeps ANSI escapes and control characters (nothing stripped)', () => {
    const lines = parse(false, [frame(1, `${TS} \u001b[31mred\u001b[0m\tx\r\n`)]);
    expect(lines[0]!.text).toBe('\u001b[31mred\u001b[0m\tx\r');
  });

  it('flushes a last line without a newline at the end of the stream', () => {
    expect(parse(false, [frame(1, `${TS} no newline`)]).map((l) => l.text)).toEqual(['no newline']);
  });
});

describe('LogParser (TTY, raw)', () => {
  it('reads a raw stream as stdout lines, whatever the chunking', () => {
    const raw = Buffer.from(`${TS} one\r\n${TS2} twö\r\n`);
    const expected = [
      { tsRaw: TS, stream: 'stdout', text: 'one\r' },
      { tsRaw: TS2, stream: 'stdout', text: 'twö\r' },
    ];
    for (let size = 1; size <= 9; size++) {
      expect(parse(true, chop(raw, size)).map(({ tsRaw, stream, text }) => ({ tsRaw, stream, text }))).toEqual(expected);
    }
  });

  it('does not mistake bytes that look like a frame header for one', () => {
    const raw = Buffer.from(`${TS} \u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0005abc\n`);
    expect(parse(true, [raw]).map((l) => l.text)).toEqual(['\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0005abc']);
  });
});

describe('parseTimestampMs', () => {
  it('parses the engine form and other RFC 3339 forms', () => {
    expect(parseTimestampMs(TS)).toBe(Date.parse('2024-05-01T12:00:00.123Z'));
    expect(parseTimestampMs('2024-05-01T12:00:00.1Z')).toBe(Date.parse('2024-05-01T12:00:00.100Z'));
    expect(parseTimestampMs('2024-05-01T14:00:00.000000000+02:00')).toBe(Date.parse('2024-05-01T12:00:00Z'));
    expect(parseTimestampMs('nonsense')).toBeNaN();
  });
});

describe('parseTimestampMs fast path', () => {
  it('agrees with Date.parse on the engine form, across years, leap days and fractions', () => {
    for (const t of ['1970-01-01T00:00:00.000000000Z', '1969-12-31T23:59:59.5Z', '2000-02-29T23:59:59.999999999Z', '2024-12-31T23:59:59.12Z', '2100-03-01T00:00:00.000000001Z', '2024-05-01T12:00:00Z']) {
      expect(parseTimestampMs(t)).toBe(Date.parse(t));
    }
    expect(parseTimestampMs('2024-13-01T00:00:00.0Z')).toBeNaN();
    expect(parseTimestampMs('2024-05-01T12:00:0x.1Z')).toBeNaN();
  });
});
