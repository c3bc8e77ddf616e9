// Arrow-key movement in tab lists and radio groups (WAI-ARIA patterns): wraps, skips disabled items.
import { describe, expect, it } from 'vitest';
import { nextIndex } from '../../../src-renderer/src/presenters/roving';

describe('nextIndex', () => {
  const all = [true, true, true, true];
  it('moves forward and back, wrapping at the ends', () => {
    expect(nextIndex('ArrowRight', 0, all)).toBe(1);
    expect(nextIndex('ArrowDown', 3, all)).toBe(0);
    expect(nextIndex('ArrowLeft', 0, all)).toBe(3);
    expect(nextIndex('ArrowUp', 2, all)).toBe(1);
  });
  it('Home and End go to the first and last enabled item', () => {
    expect(nextIndex('Home', 2, [false, true, true, false])).toBe(1);
    expect(nextIndex('End', 0, [true, true, true, false])).toBe(2);
  });
  it('skips disabled items; other keys are not ours', () => {
    expect(nextIndex('ArrowRight', 0, [true, false, true])).toBe(2);
    expect(nextIndex('ArrowLeft', 0, [true, false, false])).toBe(0);
    expect(nextIndex('Enter', 0, all)).toBeNull();
    expect(nextIndex('ArrowRight', 0, [])).toBeNull();
  });
});
