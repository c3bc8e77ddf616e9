// What sleeping saves: the average CPU of a container while awake (cgroup CPU time over the time it
// ran) and the CPU time saved (that average × time asleep), as the Services page shows them.
import { describe, expect, it } from 'vitest';
import { cpuSavedAt } from '../../../../src-main/contract/wake-service';
import { averageCpuPercent } from '../../../../src-main/core/wake/wake-controller';
import { savedText } from '../../../../src-renderer/src/features/wake/wake-presenter';

describe('averageCpuPercent', () => {
  it('is the CPU time since the start over the time run, in % of one core', () => {
    // 30 s of CPU over 2 minutes of running: a quarter of a core.
    expect(averageCpuPercent(30e9, '2026-01-01T00:00:00.000Z', '2026-01-01T00:02:00.000Z')).toBeCloseTo(25, 6);
    // Two cores busy: 200 %.
    expect(averageCpuPercent(20e9, '2026-01-01T00:00:00Z', '2026-01-01T00:00:10Z')).toBeCloseTo(200, 6);
  });
  it('is unknown without a reading, with an unparsable date, or under a second of running', () => {
    expect(averageCpuPercent(undefined, '2026-01-01T00:00:00Z', '2026-01-01T00:00:10Z')).toBeUndefined();
    expect(averageCpuPercent(1e9, undefined, '2026-01-01T00:00:10Z')).toBeUndefined();
    expect(averageCpuPercent(1e9, 'not a date', '2026-01-01T00:00:10Z')).toBeUndefined();
    expect(averageCpuPercent(1e6, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.500Z')).toBeUndefined();
  });
});

describe('cpuSavedAt', () => {
  it('adds the current sleep × the average CPU to the sleeps that ended, and grows while asleep', () => {
    const v = { cpuSavedMs: 1000, cpuPercent: 50, asleepSince: 10_000 };
    expect(cpuSavedAt(v, 10_000)).toBe(1000);
    expect(cpuSavedAt(v, 14_000)).toBe(3000);
    expect(cpuSavedAt(v, 20_000)).toBeGreaterThan(cpuSavedAt(v, 14_000));
  });
  it('is what ended sleeps saved while awake, and nothing without a reading', () => {
    expect(cpuSavedAt({ cpuSavedMs: 1500, cpuPercent: 50 }, 99_000)).toBe(1500);
    expect(cpuSavedAt({ asleepSince: 0 }, 99_000)).toBe(0);
  });
});

describe('savedText', () => {
  const base = { name: 'web', source: 'stored' as const, definition: {} as never, state: 'sleeping' as const, inFlight: 0, wakes: 1 };
  it('says the time asleep, the memory freed and the CPU time saved, with what the CPU figure means', () => {
    const t = savedText({ ...base, asleepMs: 60_000, asleepSince: 0, memoryBytes: 48 * 1048576, cpuPercent: 25, cpuSavedMs: 15_000 }, 120_000);
    expect(t.asleep).toBe('3m 00s');
    expect(t.memory).toBe('frees 48.0 MiB');
    // 15 s from the sleeps that ended + 25 % × 120 s = 45 s.
    expect(t.cpu).toBe('saved 45s CPU');
    expect(t.cpuTitle).toMatch(/25% of one core on average while awake/);
  });
  it('shows no CPU figure before a reading exists', () => {
    expect(savedText({ ...base, asleepSince: 0 }, 5000).cpu).toBeNull();
  });
  it('counts fractions of a second for an idle service', () => {
    expect(savedText({ ...base, asleepSince: 0, cpuPercent: 0.1 }, 60_000).cpu).toBe('saved 0.1s CPU');
  });
});
