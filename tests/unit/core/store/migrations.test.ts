import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, NewerSchemaError, migrate } from '../../../../src-main/core/store/migrations';

const NO_ALERTS = { rules: [], channels: [], history: [] };

describe('migrate', () => {
  it('CURRENT_SCHEMA_VERSION is 2', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(2);
  });

  it.each([
    [{}, { schemaVersion: 2, settings: {}, hosts: [], alerts: NO_ALERTS }],
    [{ settings: { theme: 'dark' } }, { schemaVersion: 2, settings: { theme: 'dark' }, hosts: [], alerts: NO_ALERTS }],
    [{ settings: null, hosts: 'x' }, { schemaVersion: 2, settings: {}, hosts: [], alerts: NO_ALERTS }],
    [
      { settings: { confirmDestructive: false }, hosts: [{ id: 'h', name: 'H', kind: 'ssh', url: 'ssh://h' }] },
      { schemaVersion: 2, settings: { confirmDestructive: false }, hosts: [{ id: 'h', name: 'H', kind: 'ssh', url: 'ssh://h' }], alerts: NO_ALERTS },
    ],
    [{ schemaVersion: 0, settings: { theme: 'light' } }, { schemaVersion: 2, settings: { theme: 'light' }, hosts: [], alerts: NO_ALERTS }],
  ])('v0 %j → %j (through v1)', (input, want) => {
    const { data, applied } = migrate(input);
    expect(data).toEqual(want);
    expect(applied).toEqual([0, 1]);
  });

  it('v1 → v2 adds an empty alerts section and keeps settings and hosts untouched', () => {
    const hosts = [{ id: 'nas', name: 'NAS', kind: 'ssh', url: 'ssh://me@nas' }];
    const { data, applied } = migrate({ schemaVersion: 1, settings: { theme: 'dark', confirmDestructive: false }, hosts });
    expect(applied).toEqual([1]);
    expect(data).toEqual({ schemaVersion: 2, settings: { theme: 'dark', confirmDestructive: false }, hosts, alerts: NO_ALERTS });
  });

  it('v1 → v2 keeps an alerts section of the right shape and replaces a malformed one', () => {
    const alerts = { rules: [{ id: 'r1' }], channels: [], history: [] };
    expect(migrate({ schemaVersion: 1, settings: {}, hosts: [], alerts }).data.alerts).toEqual(alerts);
    expect(migrate({ schemaVersion: 1, settings: {}, hosts: [], alerts: { rules: 'x' } }).data.alerts).toEqual(NO_ALERTS);
    expect(migrate({ schemaVersion: 1, settings: {}, hosts: [], alerts: null }).data.alerts).toEqual(NO_ALERTS);
  });

  it('a current file is returned as is, with no step applied', () => {
    const input = { schemaVersion: 2, settings: { theme: 'dark' }, hosts: [], alerts: NO_ALERTS };
    expect(migrate(input)).toEqual({ data: input, applied: [] });
  });

  it('a newer file throws NewerSchemaError carrying the version found', () => {
    let caught: unknown;
    try {
      migrate({ schemaVersion: 99 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NewerSchemaError);
    expect((caught as NewerSchemaError).found).toBe(99);
    expect((caught as Error).message).toMatch(/newer WakeDock/);
  });

  it.each([[[]], [null], ['x'], [42], [{ schemaVersion: '1' }], [{ schemaVersion: 1.5 }], [{ schemaVersion: -1 }], [{ schemaVersion: null }]])(
    'rejects %j with a plain Error (not NewerSchemaError)',
    (input) => {
      expect(() => migrate(input)).toThrow(Error);
      try {
        migrate(input);
      } catch (e) {
        expect(e).not.toBeInstanceOf(NewerSchemaError);
      }
    },
  );
});
