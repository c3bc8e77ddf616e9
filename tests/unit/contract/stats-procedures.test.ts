// The stats procedures' inputs: what the UI may ask, refused where it enters main.
import { describe, expect, it } from 'vitest';
import { SettingsSchema, procedures } from '../../../src-main/contract';

describe('stats contract', () => {
  const history = procedures['stats.history'].input;
  const watch = procedures['stats.watch'].input;

  it('stats.history needs exactly one of a container or a compose project, and a known window', () => {
    expect(history.safeParse({ hostId: 'local', id: 'web', window: '5m' }).success).toBe(true);
    expect(history.safeParse({ hostId: 'local', project: 'shop', window: '7d' }).success).toBe(true);
    expect(history.safeParse({ hostId: 'local', window: '1h' }).success).toBe(false);
    expect(history.safeParse({ hostId: 'local', id: 'web', project: 'shop', window: '1h' }).success).toBe(false);
    expect(history.safeParse({ hostId: 'local', id: 'web', window: '2h' }).success).toBe(false);
    expect(history.safeParse({ hostId: 'local', id: '../etc', window: '5m' }).success).toBe(false);
  });

  it('stats.watch takes container refs (or none for all running) and refuses unknown keys', () => {
    expect(watch.safeParse({ hostId: 'local' }).success).toBe(true);
    expect(watch.safeParse({ hostId: 'local', ids: ['a1b2c3d4e5f6', 'web-1'] }).success).toBe(true);
    expect(watch.safeParse({ hostId: 'local', ids: ['bad name'] }).success).toBe(false);
    expect(watch.safeParse({ hostId: 'local', ids: Array.from({ length: 1001 }, (_, i) => `c${i}`) }).success).toBe(false);
    expect(watch.safeParse({ hostId: 'local', raw: true }).success).toBe(false);
  });

  it('history settings default to on, 7 days, and bound the retention', () => {
    const s = SettingsSchema.parse({});
    expect(s.statsHistory).toBe(true);
    expect(s.statsRetentionDays).toBe(7);
    expect(SettingsSchema.safeParse({ statsRetentionDays: 0 }).success).toBe(false);
    expect(SettingsSchema.safeParse({ statsRetentionDays: 91 }).success).toBe(false);
    const update = procedures['settings.update'].input;
    expect(update.safeParse({ statsRetentionDays: 14 }).success).toBe(true);
    expect(update.safeParse({ statsRetentionDays: 1.5 }).success).toBe(false);
  });
});
