// The local store: settings and hosts in one JSON file (lowdb; writes are atomic through steno's
// temp-file-and-rename). A corrupt file is moved aside, never deleted, and the user is told.
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { RpcError, SettingsSchema, type Settings, type StoreNotice } from '../../contract';
import type { Logger } from '../../rpc/dispatcher';
import { CURRENT_SCHEMA_VERSION, NewerSchemaError, emptyAlerts, migrate, type StoreData, type StoredAlertsV2 } from './migrations';

export const STORE_FILE = 'wakedock.json';

const StoredSchema = z.object({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  settings: z.record(z.string(), z.unknown()),
  hosts: z.array(z.object({ id: z.string(), name: z.string(), kind: z.literal('ssh'), url: z.string() })),
  alerts: z.object({
    rules: z.array(z.record(z.string(), z.unknown())),
    channels: z.array(z.record(z.string(), z.unknown())),
    history: z.array(z.record(z.string(), z.unknown())),
  }),
});

const fresh = (): StoreData => ({ schemaVersion: CURRENT_SCHEMA_VERSION, settings: {}, hosts: [], alerts: emptyAlerts() });

export class JsonStore {
  readonly notices: StoreNotice[] = [];
  private readOnly = false;

  private constructor(
    private readonly db: Low<StoreData>,
    readonly path: string,
  ) {}

  static async open(dataDir: string, logger: Logger, now: () => Date = () => new Date()): Promise<JsonStore> {
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, STORE_FILE);
    const db = new Low<StoreData>(new JSONFile<StoreData>(path), fresh());
    const store = new JsonStore(db, path);

    let raw: string | undefined;
    try {
      raw = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        store.notices.push({ level: 'error', message: `Could not read ${path} (${(e as Error).message}); using defaults and not saving changes.` });
        store.readOnly = true;
        return store;
      }
    }

    if (raw === undefined || raw.trim() === '') {
      await db.write();
      return store;
    }

    try {
      const { data, applied } = migrate(JSON.parse(raw));
      db.data = StoredSchema.parse(data) as StoreData;
      if (applied.length > 0) {
        await db.write();
        logger.info(`store: migrated ${path} from schema ${applied[0]} to ${CURRENT_SCHEMA_VERSION}`);
      }
    } catch (e) {
      if (e instanceof NewerSchemaError) {
        store.readOnly = true;
        store.notices.push({ level: 'warning', message: `${path} ${e.message}. It is left untouched and changes are not saved.` });
        return store;
      }
      const aside = `${path}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
      await rename(path, aside);
      db.data = fresh();
      await db.write();
      const why = e instanceof z.ZodError ? 'it does not have the expected shape' : (e as Error).message;
      store.notices.push({ level: 'warning', message: `Your settings file could not be read (${why}). It was kept as ${aside} and WakeDock started with default settings.` });
      logger.warn(`store: moved corrupt ${path} to ${aside}`, e);
    }
    return store;
  }

  get settings(): Settings {
    const parsed = SettingsSchema.safeParse(this.db.data.settings);
    return parsed.success ? parsed.data : SettingsSchema.parse({});
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const next = SettingsSchema.parse({ ...this.settings, ...patch });
    if (this.readOnly) throw RpcError.from('STORE_ERROR', `Settings cannot be saved: ${this.path} is not writable by this version of WakeDock`);
    const previous = this.db.data.settings;
    this.db.data.settings = next;
    try {
      await this.db.write();
    } catch (e) {
      this.db.data.settings = previous;
      throw RpcError.from('STORE_ERROR', `Settings could not be saved to ${this.path}: ${(e as Error).message}`, { retryable: true });
    }
    return next;
  }

  /** Alert rules, channels and history as stored (the alerts module validates the items). */
  get alerts(): StoredAlertsV2 {
    return this.db.data.alerts;
  }

  /** Replace the alerts section and write it (the in-memory copy rolls back if the write fails). */
  async saveAlerts(next: StoredAlertsV2): Promise<void> {
    if (this.readOnly) throw RpcError.from('STORE_ERROR', `Alerts cannot be saved: ${this.path} is not writable by this version of WakeDock`);
    const previous = this.db.data.alerts;
    this.db.data.alerts = next;
    try {
      await this.db.write();
    } catch (e) {
      this.db.data.alerts = previous;
      throw RpcError.from('STORE_ERROR', `Alerts could not be saved to ${this.path}: ${(e as Error).message}`, { retryable: true });
    }
  }

  get data(): Readonly<StoreData> {
    return this.db.data;
  }
}
