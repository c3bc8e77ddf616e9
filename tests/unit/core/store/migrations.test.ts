import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, NewerSchemaError, migrate } from '../../../../src-main/core/store/migrations';

describe('migrate', () => {
  it('CURRENT_SCHEMA_VERSION is 1', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(1);
  });

  it.each([
    [{}, { schemaVersion: 1, settings: {}, hosts: [] }],
    [{ settings: { theme: 'dark' } }, { schemaVersion: 1, settings: { theme: 'dark' }, hosts: [] }],
    [{ settings: null, hosts: 'x' }, { schemaVersion: 1, settings: {}, hosts: [] }],
    [
      { settings: { confirmDestructive: false }, hosts: [{ id: 'h', name: 'H', kind: 'ssh', url: 'ssh://h' }] },
      { schemaVersion: 1, settings: { confirmDestructive: false }, hosts: [{ id: 'h', name: 'H', kind: 'ssh', url: 'ssh://h' }] },
    ],
    [{ schemaVersion: 0, settings: { theme: 'light' } }, { schemaVersion: 1, settings: { theme: 'light' }, hosts: [] }],
  ])('v0 %j → %j', (input, want) => {
    const { data, applied } = migrate(input);
    expect(data).toEqual(want);
    expect(applied).toEqual([0]);
  });

  it('a current file is returned as is, with no step applied', () => {
    const input = { schemaVersion: 1, settings: { theme: 'dark' }, hosts: [] };
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
