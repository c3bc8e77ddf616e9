// The current time, re-read every `intervalMs` while `active` (relative times, countdowns).
// Paused while the page is hidden: nobody sees the text, and a hidden tab should do no work.
import { useEffect, useState } from 'react';

export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    let t: ReturnType<typeof setInterval> | null = null;
    const start = (): void => {
      if (t || document.hidden) return;
      setNow(Date.now());
      t = setInterval(() => setNow(Date.now()), intervalMs);
    };
    const stop = (): void => {
      if (t) clearInterval(t);
      t = null;
    };
    const onVisibility = (): void => (document.hidden ? stop() : start());
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs, active]);
  return now;
}
