// The core's service lifecycle: start in the order added, dispose in reverse with each dispose
// awaited before the next, a slow dispose bounded, a failing one reported without stopping the rest.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src-main/contract/handlers';
import { ServiceSet, type Service } from '../../../src-main/core/lifecycle';

afterEach(() => vi.useRealTimers());

function recorder(log: string[], name: string, disposeMs = 0, fail = false): Service {
  return {
    start: () => void log.push(`start ${name}`),
    dispose: async () => {
      log.push(`dispose ${name} begins`);
      if (disposeMs) await new Promise((r) => setTimeout(r, disposeMs));
      if (fail) throw new Error(`${name} broke`);
      log.push(`dispose ${name} done`);
    },
  };
}

describe('ServiceSet', () => {
  it('starts in order and disposes in reverse, each dispose finished before the next begins', async () => {
    const log: string[] = [];
    const set = new ServiceSet(silentLogger);
    set.add('hosts', recorder(log, 'hosts'));
    set.add('alerts', recorder(log, 'alerts', 20));
    set.add('terminals', recorder(log, 'terminals', 10));
    await set.startAll();
    await set.disposeAll();
    expect(log).toEqual([
      'start hosts',
      'start alerts',
      'start terminals',
      'dispose terminals begins',
      'dispose terminals done',
      'dispose alerts begins',
      'dispose alerts done',
      'dispose hosts begins',
      'dispose hosts done',
    ]);
  });

  it('disposeAll is idempotent (a second call waits for the first) and refuses new services', async () => {
    const log: string[] = [];
    const set = new ServiceSet(silentLogger);
    set.add('a', recorder(log, 'a', 10));
    const [p1, p2] = [set.disposeAll(), set.disposeAll()];
    expect(p1).toBe(p2);
    await p1;
    expect(log.filter((l) => l.endsWith('done'))).toEqual(['dispose a done']);
    expect(() => set.add('late', recorder(log, 'late'))).toThrow(/shutting down/);
  });

  it('a failing or hanging dispose is reported and the others still run', async () => {
    vi.useFakeTimers();
    const warnings: string[] = [];
    const log: string[] = [];
    const set = new ServiceSet({ ...silentLogger, warn: (m: string) => void warnings.push(m) }, 1000);
    set.add('first', recorder(log, 'first'));
    set.add('hangs', { dispose: () => new Promise<void>(() => {}) });
    set.add('fails', recorder(log, 'fails', 0, true));
    const done = set.disposeAll();
    await vi.advanceTimersByTimeAsync(1500);
    await done;
    expect(log).toContain('dispose first done');
    expect(warnings.some((w) => w.includes('"fails" failed to dispose'))).toBe(true);
    expect(warnings.some((w) => w.includes('"hangs" did not finish disposing within 1000 ms'))).toBe(true);
  });
});
