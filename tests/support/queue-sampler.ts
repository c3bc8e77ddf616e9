// Samples a server-side send queue while a client has stopped reading, until the queue has stood
// still for a whole window (the producer is held) or a cap runs out. The kernel's socket buffers
// absorb a few MiB before the server's own queue grows, and on a loaded machine the flood reaches the
// high-water mark late, so a fixed sampling time fails there: wait for the condition instead.
import { sleep } from './docker-fixtures';

export interface QueueSample {
  /** The queue stood still (varied less than `tolerance` over `windowMs`) after passing `minPeak`. */
  still: boolean;
  peak: number;
  samples: number[];
  elapsedMs: number;
}

export async function sampleQueueUntilStill(
  read: () => number,
  opts: { tolerance: number; minPeak: number; windowMs?: number; minMs?: number; capMs?: number; onSample?: () => void },
): Promise<QueueSample> {
  const interval = 20;
  const window = Math.round((opts.windowMs ?? 1000) / interval);
  const minMs = opts.minMs ?? 2000;
  const capMs = opts.capMs ?? 30_000;
  const samples: number[] = [];
  const t0 = Date.now();
  let peak = 0;
  let still = false;
  while (!still && Date.now() - t0 < capMs) {
    const q = read();
    peak = Math.max(peak, q);
    samples.push(q);
    opts.onSample?.();
    const last = samples.slice(-window);
    still = Date.now() - t0 >= minMs && last.length === window && peak > opts.minPeak && Math.max(...last) - Math.min(...last) < opts.tolerance;
    await sleep(interval);
  }
  return { still, peak, samples, elapsedMs: Date.now() - t0 };
}
