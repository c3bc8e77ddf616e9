// Arrow-key movement in a tab list or radio group (WAI-ARIA patterns); used by components/composite-keys.ts.

/** Which item a key moves to, or null when the key is not ours. Pure: unit-tested. */
export function nextIndex(key: string, current: number, enabled: readonly boolean[]): number | null {
  const n = enabled.length;
  if (n === 0) return null;
  const step = (from: number, dir: 1 | -1): number | null => {
    for (let k = 1; k <= n; k++) {
      const i = (((from + dir * k) % n) + n) % n;
      if (enabled[i]) return i;
    }
    return null;
  };
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return step(current, 1);
    case 'ArrowLeft':
    case 'ArrowUp':
      return step(current, -1);
    case 'Home':
      return step(-1, 1);
    case 'End':
      return step(n, -1);
    default:
      return null;
  }
}
