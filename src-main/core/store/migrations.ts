// Schema migrations for the local store. Each step takes the data at version N and returns it at
// version N+1. Version 0 is "no schemaVersion field" (an empty or pre-release file).
import type { Settings } from '../../contract';

export const CURRENT_SCHEMA_VERSION = 2;

export interface StoredHostV1 {
  id: string;
  name: string;
  kind: 'ssh';
  url: string;
}

export interface StoreDataV1 {
  schemaVersion: 1;
  settings: Partial<Settings>;
  /** Remote hosts the user added (the local host is detected, never stored). */
  hosts: StoredHostV1[];
}

/**
 * Alerts (v2): rules, delivery channels and the bounded alert history. Items are kept as plain
 * records here; the alerts module validates each one when it loads them (a bad item is dropped,
 * not the whole file).
 */
export interface StoredAlertsV2 {
  rules: Record<string, unknown>[];
  channels: Record<string, unknown>[];
  history: Record<string, unknown>[];
}

export interface StoreDataV2 extends Omit<StoreDataV1, 'schemaVersion'> {
  schemaVersion: 2;
  alerts: StoredAlertsV2;
}

export type StoreData = StoreDataV2;

export const emptyAlerts = (): StoredAlertsV2 => ({ rules: [], channels: [], history: [] });

type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export const migrations: Record<number, Migration> = {
  0: (d) => ({
    schemaVersion: 1,
    settings: typeof d.settings === 'object' && d.settings !== null ? d.settings : {},
    hosts: Array.isArray(d.hosts) ? d.hosts : [],
  }),
  // 1 → 2: alerts arrive. Nothing to convert; an (unexpected) existing alerts key is kept if it has the shape.
  1: (d) => ({ ...d, alerts: isAlerts(d.alerts) ? d.alerts : emptyAlerts() }),
};

function isAlerts(v: unknown): v is StoredAlertsV2 {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return Array.isArray(a.rules) && Array.isArray(a.channels) && Array.isArray(a.history);
}

export class NewerSchemaError extends Error {
  constructor(readonly found: number) {
    super(`the store was written by a newer WakeDock (schema ${found}, this one knows ${CURRENT_SCHEMA_VERSION})`);
  }
}

/** Run every migration from the file's version up to the current one. Returns the steps applied. */
export function migrate(input: unknown): { data: Record<string, unknown>; applied: number[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('the store is not a JSON object');
  let data = input as Record<string, unknown>;
  const raw = data.schemaVersion;
  let version = raw === undefined ? 0 : raw;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) throw new Error(`schemaVersion ${JSON.stringify(raw)} is not a version`);
  if (version > CURRENT_SCHEMA_VERSION) throw new NewerSchemaError(version);
  const applied: number[] = [];
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = migrations[version];
    if (!step) throw new Error(`no migration from schema ${version}`);
    data = step(data);
    applied.push(version);
    version++;
    data.schemaVersion = version;
  }
  return { data, applied };
}
