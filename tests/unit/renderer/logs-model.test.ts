// The renderer's log buffer and ANSI parser (no DOM needed).
import { describe, expect, it } from 'vitest';
import { parseAnsi, plainText, styleToCss } from '../../../src-renderer/src/features/logs/ansi';
import { LogModel, compileQuery, matchRanges, type IncomingLine } from '../../../src-renderer/src/features/logs/log-model';

const L = (text: string, ts = 1000, stream: 'stdout' | 'stderr' = 'stdout', src?: string): IncomingLine => ({ text, ts, stream, ...(src ? { src } : {}) });
const texts = (m: LogModel): string[] => Array.from({ length: m.viewLength }, (_, i) => {
  const e = m.viewAt(i)!;
  return e.kind === 'line' ? e.text : `[${e.text}]`;
});

describe('LogModel', () => {
  it('keeps at most capacity lines, dropping the oldest', () => {
    const m = new LogModel(1000);
    for (let b = 0; b < 30; b++) m.append(Array.from({ length: 100 }, (_, i) => L(`l${b * 100 + i}`)));
    expect(m.size).toBe(1000);
    expect(m.droppedCount).toBe(2000);
    expect(m.viewAt(0)!.kind === 'line' && m.viewAt(0)).toMatchObject({ text: 'l2000' });
    expect(m.viewAt(999)).toMatchObject({ text: 'l2999' });
  });

  it('counts matches and filters to them incrementally, also after lines drop off', () => {
    const m = new LogModel(5);
    m.setQuery({ query: 'err', regex: false, matchCase: false, filterOnly: true });
    m.append([L('ok 1'), L('ERR 2'), L('ok 3'), L('err 4')]);
    expect(m.matchCount).toBe(2);
    expect(texts(m)).toEqual(['ERR 2', 'err 4']);
    m.append([L('err 5'), L('ok 6'), L('ok 7')]); // drops ok 1, ERR 2
    expect(m.size).toBe(5);
    expect(texts(m)).toEqual(['err 4', 'err 5']);
    expect(m.matchCount).toBe(2);
    expect(m.matchViewIndex(1)).toBe(1);
  });

  it('regex, match case, markers and an invalid regex', () => {
    const m = new LogModel(100);
    m.append([L('GET /a 200'), L('GET /b 500'), L('POST /c 503')]);
    m.marker(2000, '— container restarted at 00:00:02 —');
    m.setQuery({ query: ' 5\\d\\d$', regex: true, matchCase: true, filterOnly: true });
    expect(texts(m)).toEqual(['GET /b 500', 'POST /c 503', '[— container restarted at 00:00:02 —]']);
    m.setQuery({ query: '(', regex: true, matchCase: false, filterOnly: true });
    expect(m.error).toMatch(/Unterminated group|unterminated/i);
    expect(m.viewLength).toBe(4); // an invalid regex filters nothing
    m.setQuery({ query: 'get', regex: false, matchCase: true, filterOnly: false });
    expect(m.matchCount).toBe(0);
  });

  it('hides services and prepends earlier lines only up to capacity, keeping keys ordered', () => {
    const m = new LogModel(4);
    m.append([L('a1', 1, 'stdout', 'a'), L('b1', 2, 'stdout', 'b'), L('a2', 3, 'stdout', 'a')]);
    m.setHidden(new Set(['b']));
    expect(texts(m)).toEqual(['a1', 'a2']);
    m.setHidden(new Set());
    expect(m.prepend([L('x', 0), L('y', 0)])).toBe(1);
    expect(texts(m)).toEqual(['y', 'a1', 'b1', 'a2']);
    const keys = Array.from({ length: m.viewLength }, (_, i) => m.viewAt(i)!.key);
    expect([...keys].sort((p, q) => p - q)).toEqual(keys);
    expect(m.viewIndexOfKey(m.viewAt(2)!.key)).toBe(2);
    expect(m.oldest()).toEqual({ ts: 0, sameMs: 1 });
  });

  it('search runs on the text without escape sequences', () => {
    const m = new LogModel(10);
    m.setQuery({ query: 'red alert', regex: false, matchCase: false, filterOnly: false });
    m.append([L('\u001b[31mred\u001b[0m alert')]);
    expect(m.matchCount).toBe(1);
  });
});

describe('matchRanges / compileQuery', () => {
  it('finds every occurrence and survives empty matches', () => {
    expect(matchRanges(compileQuery({ query: 'ab', regex: false, matchCase: false }).re, 'ab xAB ab')).toEqual([
      [0, 2],
      [4, 6],
      [7, 9],
    ]);
    expect(matchRanges(compileQuery({ query: 'x*', regex: true, matchCase: false }).re, 'aaxa')).toEqual([[2, 3]]);
    expect(compileQuery({ query: 'a.b', regex: false, matchCase: false }).re!.test('axb')).toBe(false);
  });
});

describe('ANSI', () => {
  it('splits SGR colours into styled segments and hides other escapes', () => {
    const segs = parseAnsi('\u001b[1;31mERR\u001b[0m plain \u001b[38;5;82mg\u001b[38;2;1;2;3mt\u001b[K!');
    expect(segs.map((s) => s.text)).toEqual(['ERR', ' plain ', 'g', 't', '!']);
    expect(segs[0]!.style).toMatchObject({ bold: true, fg: 'var(--ansi-red)' });
    expect(segs[1]!.style).toBeNull();
    expect(segs[2]!.style!.fg).toBe('rgb(95, 255, 0)');
    expect(segs[3]!.style!.fg).toBe('rgb(1, 2, 3)');
    expect(plainText('\u001b[1;31mERR\u001b[0m plain \u001b]0;title\u0007x')).toBe('ERR plain x');
    expect(styleToCss({ inverse: true, fg: 'red' })).toMatchObject({ color: 'var(--log-bg)', backgroundColor: 'red' });
  });

  it('treats text with "<script>" as text (segments are rendered as React text, never HTML)', () => {
    expect(parseAnsi('<img src=x onerror=alert(1)>')).toEqual([{ text: '<img src=x onerror=alert(1)>', style: null }]);
  });
});
