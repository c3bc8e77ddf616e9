// A container's status text ("Up 5 minutes", "Restarting (1) 3 seconds ago") as it reads now, from
// the engine's timestamps (contract/container-status.ts). Each user of the hook wakes up exactly
// when its own text would change (every second while it counts seconds, every minute, then every
// hour), not on a shared fixed tick, and never asks the engine anything.
import { useEffect, useState } from 'react';
import { nextStatusChange, statusText, type StatusInput } from '@contract/container-status';

const MAX_TIMEOUT = 2 ** 31 - 1;

export function useStatusText(c: StatusInput | undefined): string {
  // The text as of the last wake-up, remembered with the summary it was printed for: a new
  // summary (the engine changed something) is printed at once, during render.
  const [printed, setPrinted] = useState<{ for: StatusInput | undefined; text: string }>(() => ({ for: c, text: c ? statusText(c, Date.now()) : '' }));
  useEffect(() => {
    if (!c) return;
    let t: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const wait = nextStatusChange(c, Date.now());
      if (!Number.isFinite(wait)) return;
      // A few ms late rather than early: waking just before the boundary would print the old text.
      t = setTimeout(() => {
        setPrinted({ for: c, text: statusText(c, Date.now()) });
        arm();
      }, Math.min(MAX_TIMEOUT, wait + 5));
    };
    arm();
    return () => clearTimeout(t);
  }, [c]);
  if (printed.for === c) return printed.text;
  return c ? statusTextNow(c) : '';
}

/** Outside the render's purity rule: the clock is read where the hook's timers read it too. */
function statusTextNow(c: StatusInput): string {
  return statusText(c, Date.now());
}
