// The renderer's terminal shortcuts and paste chunking (pure helpers of features/terminal).
import { describe, expect, it } from 'vitest';
import { isCopyKey, isPasteKey, pasteChunks } from '../../../src-renderer/src/features/terminal/terminal-keys';

const key = (k: string, mods: { ctrl?: boolean; shift?: boolean; meta?: boolean; alt?: boolean } = {}) => ({
  key: mods.shift ? k.toUpperCase() : k,
  code: `Key${k.toUpperCase()}`,
  ctrlKey: !!mods.ctrl,
  shiftKey: !!mods.shift,
  metaKey: !!mods.meta,
  altKey: !!mods.alt,
});

describe('terminal shortcuts', () => {
  it('Ctrl+Shift+C copies; Ctrl+C stays an interrupt for the program', () => {
    expect(isCopyKey(key('c', { ctrl: true, shift: true }), false, false)).toBe(true);
    expect(isCopyKey(key('c', { ctrl: true }), true, false)).toBe(false);
    expect(isCopyKey(key('c', { ctrl: true, shift: true, alt: true }), true, false)).toBe(false);
  });

  it('Cmd+C copies on macOS only when there is a selection', () => {
    expect(isCopyKey(key('c', { meta: true }), true, true)).toBe(true);
    expect(isCopyKey(key('c', { meta: true }), false, true)).toBe(false);
    expect(isCopyKey(key('c', { meta: true }), true, false)).toBe(false);
  });

  it('Ctrl+Shift+V pastes; Ctrl+V (literal next) goes to the program; Cmd+V is the browser’s own paste', () => {
    expect(isPasteKey(key('v', { ctrl: true, shift: true }))).toBe(true);
    expect(isPasteKey(key('v', { ctrl: true }))).toBe(false);
    expect(isPasteKey(key('v', { meta: true }))).toBe(false);
  });
});

describe('pasteChunks', () => {
  it('keeps small pastes whole and splits large ones in order under the write limit', () => {
    expect(pasteChunks('ls\r')).toEqual(['ls\r']);
    const big = 'x'.repeat(100_000);
    const parts = pasteChunks(big);
    expect(parts.join('')).toBe(big);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThanOrEqual(32 * 1024);
  });

  it('never splits a surrogate pair across two writes', () => {
    const s = 'a'.repeat(9) + '😀' + 'b'.repeat(5); // the pair sits at 9-10
    const parts = pasteChunks(s, 10);
    expect(parts.join('')).toBe(s);
    for (const p of parts) expect(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p)).toBe(false);
  });
});
