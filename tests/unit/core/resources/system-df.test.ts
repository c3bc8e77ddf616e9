// /system/df is refused by the engine while another disk-usage walk runs: calls on one client must
// queue, and a refusal caused by another client must be retried.
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { systemDf } from '../../../../src-main/core/resources/system-df';

const busy = (): Error => Object.assign(new Error('(HTTP code 500) server error - a disk usage operation is already running'), { statusCode: 500, json: { message: 'a disk usage operation is already running' } });

/** A fake engine that, like dockerd, refuses a second df while one is running. */
function fakeEngine(walkMs: number) {
  let running = 0;
  let maxRunning = 0;
  let calls = 0;
  const docker = {
    async df() {
      calls++;
      if (running > 0) throw busy();
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, walkMs));
      running--;
      return { n: calls };
    },
  } as unknown as Dockerode;
  return { docker, stats: () => ({ calls, maxRunning }), hold: () => void running++, release: () => void running-- };
}

describe('systemDf', () => {
  it('queues concurrent calls on one client: every caller gets its own walk, none is refused', async () => {
    const e = fakeEngine(20);
    const got = await Promise.all([systemDf(e.docker), systemDf(e.docker), systemDf(e.docker)]);
    expect(got).toHaveLength(3);
    expect(e.stats()).toEqual({ calls: 3, maxRunning: 1 });
  });

  it("retries while another client's walk runs, then answers", async () => {
    const e = fakeEngine(5);
    e.hold(); // the docker CLI is walking
    setTimeout(() => e.release(), 250);
    await expect(systemDf(e.docker)).resolves.toBeTruthy();
    expect(e.stats().calls).toBeGreaterThan(1);
  });

  it('passes other errors through at once', async () => {
    const docker = { df: () => Promise.reject(Object.assign(new Error('boom'), { statusCode: 500, json: { message: 'boom' } })) } as unknown as Dockerode;
    await expect(systemDf(docker)).rejects.toThrow('boom');
  });
});
