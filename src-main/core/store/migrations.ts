// Schema migrations for the local store. Each step takes the data at version N and returns it at
// version N+1. Version 0 is "no schemaVersion field" (an empty or pre-release file).
import type { Settings } from '../../contract';

export const CURRENT_SCHEMA_VERSION = 1;

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

export type StoreData = StoreDataV1;

type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export const migrations: Record<number, Migration> = {
  0: (d) => ({
    schemaVersion: 1,
    settings: typeof d.settings === 'object' && d.settings !== null ? d.settings : {},
    hosts: Array.isArray(d.hosts) ? d.hosts : [],
  }),
};

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
