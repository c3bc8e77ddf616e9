// The local store: one JSON file (wakedock.json) of typed sections (settings, hosts, alerts; see
// sections.ts), read with `get(section)`, changed with `update(section, fn)` and watched with
// `onChange(section, listener)`. Recovery rules (docs/features/store.md):
// - a value that is not understood is reported and kept in the file, never overwritten by defaults;
// - unknown top-level keys are kept;
// - a file that is not JSON at all is moved aside (`.corrupt-<time>`, never deleted) with a notice;
// - a write that fails (disk full, EACCES) is not corruption: the file is kept, changes are refused
//   with a retryable STORE_ERROR, a notice says so and the write is retried;
// - a file from a newer WakeDock is read-only.
// The file is a lowdb document (`Low` over our own adapter, OwnerOnlyJsonFile): writes are atomic
// (write-file-atomic: temp file, fsync, rename) and owner-only (0600, data dir 0700), serialised so
// each update sees the previous one; the data dir is locked against a second process
// (data-dir-lock.ts).
import { chmod, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import writeFileAtomic from 'write-file-atomic';
import { RpcError, type StoreNotice } from '../../contract';
import type { Logger } from '../../contract/handlers';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { CURRENT_SCHEMA_VERSION, NewerSchemaError, migrate } from './migrations';
import { keyFileBox, type SecretBox } from './secret-box';
import { SECTIONS, type SectionContext, type SectionDef, type SectionName, type SectionValue } from './sections';

export const STORE_FILE = 'wakedock.json';
const HAS_MODES = process.platform !== 'win32';

export interface StoreOptions {
  now?: () => Date;
  secrets?: SecretBox;
  /** Take the data-dir lock (default true). */
  lock?: boolean;
  /** Who takes the lock, for the other process's message ("desktop", "serve"). */
  mode?: string;
  /** Retry of a failed write while nobody changes anything (ms). */
  retryMs?: number;
  /** The file writer (tests inject failures: disk full, EACCES). */
  writeFile?: (path: string, data: string) => Promise<void>;
}

type Document = Record<string, unknown>;

/** The file is there but holds no JSON object: nothing in it can be read. */
class NotJsonError extends Error {}

/**
 * lowdb's adapter for wakedock.json. lowdb's own JSONFile writes through steno, which cannot set a
 * mode (its temp file is 0644 until renamed) and does not fsync; this one writes with
 * write-file-atomic (temp file in the same dir, 0600, fsync, rename). read() answers null for a
 * missing or empty file and throws NotJsonError for one that is not a JSON object.
 */
class OwnerOnlyJsonFile implements Adapter<Document> {
  constructor(
    readonly path: string,
    private readonly writeText: (path: string, data: string) => Promise<void>,
  ) {}

  async read(): Promise<Document | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    if (text.trim() === '') return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new NotJsonError((e as Error).message);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new NotJsonError('it is not a JSON object');
    return parsed as Document;
  }

  write(data: Document): Promise<void> {
    return this.writeText(this.path, JSON.stringify(data, null, 2) + '\n');
  }
}

/** Low's data before a read that found nothing (a missing or empty file). */
const MISSING: Document = Object.freeze({}) as Document;

type Listener<K extends SectionName> = (value: SectionValue<K>, previous: SectionValue<K>) => void;

interface Slot {
  raw: unknown;
  value: unknown;
}

export class JsonStore {
  readonly notices: StoreNotice[] = [];
  /** Why changes are refused ('newer': a newer WakeDock's file; 'unreadable'), or null. */
  private readOnly: string | null = null;
  /** A write failed: the in-memory state is ahead of the file until a write succeeds. */
  private unsaved: StoreNotice | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private top: Record<string, unknown> = {};
  private readonly slots = new Map<SectionName, Slot>();
  private readonly listeners = new Map<SectionName, Set<Listener<never>>>();
  private queue: Promise<unknown> = Promise.resolve();
  private lock: DataDirLock | null = null;
  private closed = false;
  private readonly ctx: SectionContext;
  private readonly db: Low<Document>;

  private constructor(
    readonly path: string,
    private readonly logger: Logger,
    private readonly opts: StoreOptions,
  ) {
    this.ctx = { secrets: opts.secrets ?? keyFileBox(dirname(path)) };
    this.db = new Low<Document>(new OwnerOnlyJsonFile(path, opts.writeFile ?? ((p, d) => writeFileAtomic(p, d, { mode: 0o600, fsync: true }))), MISSING);
  }

  /** Where secrets are kept (for the UI). */
  get secrets(): SecretBox {
    return this.ctx.secrets;
  }

  static async open(dataDir: string, logger: Logger, opts: StoreOptions = {}): Promise<JsonStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await ownerOnly(dataDir, 0o700, logger);
    const store = new JsonStore(join(dataDir, STORE_FILE), logger, opts);
    if (opts.lock !== false) store.lock = await lockDataDir(dataDir, opts.mode ?? 'core');
    try {
      await store.load(opts.now ?? (() => new Date()));
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  private async load(now: () => Date): Promise<void> {
    const path = this.path;
    try {
      await this.db.read();
    } catch (e) {
      if (e instanceof NotJsonError) {
        await this.moveAside(now, e);
        return;
      }
      this.readSections({});
      this.readOnly = `${path} could not be read`;
      this.notices.push({ level: 'error', message: `Could not read ${path} (${(e as Error).message}); using defaults and not saving changes.` });
      return;
    }
    if (this.db.data === MISSING) {
      this.top = { schemaVersion: CURRENT_SCHEMA_VERSION };
      this.readSections(this.top);
      await this.flush('create');
      return;
    }
    await ownerOnly(path, 0o600, this.logger);

    try {
      const { data, applied } = migrate(this.db.data);
      this.top = data;
      const rewrite = this.readSections(data);
      if (applied.length > 0 || rewrite) {
        if (await this.flush('migrate')) {
          if (applied.length > 0) this.logger.info(`store: migrated ${path} from schema ${applied[0]} to ${CURRENT_SCHEMA_VERSION}`);
        }
      }
    } catch (e) {
      if (e instanceof NewerSchemaError) {
        this.readSections({});
        this.readOnly = `${path} was written by a newer WakeDock`;
        this.notices.push({ level: 'warning', message: `${path} ${e.message}. It is left untouched and changes are not saved.` });
        return;
      }
      await this.moveAside(now, e as Error);
    }
  }

  /** Not JSON, not an object, or no valid schemaVersion: nothing in it can be read. */
  private async moveAside(now: () => Date, e: Error): Promise<void> {
    const aside = `${this.path}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
    await rename(this.path, aside);
    this.top = { schemaVersion: CURRENT_SCHEMA_VERSION };
    this.readSections(this.top);
    await this.flush('create');
    this.notices.push({ level: 'warning', message: `Your settings file could not be read (${e.message}). It was kept as ${aside} and WakeDock started with default settings.` });
    this.logger.warn(`store: moved unreadable ${this.path} to ${aside}`, e);
  }

  /** Read every section from the file's data; returns whether one asks to be written back. */
  private readSections(data: Record<string, unknown>): boolean {
    let rewrite = false;
    for (const [name, def] of Object.entries(SECTIONS) as [SectionName, SectionDef<unknown>][]) {
      const raw = data[name] === undefined ? def.empty() : data[name];
      const r = def.read(raw, this.ctx);
      // A section that changed in reading (history trimmed) is written back as read.
      this.slots.set(name, { raw: r.rewrite ? def.write(r.value, { raw, value: r.value }, this.ctx) : raw, value: r.value });
      for (const p of r.problems) this.notices.push({ level: 'warning', message: p });
      if (r.problems.length > 0) this.logger.warn(`store: ${name}: ${r.problems.join(' | ')}`);
      rewrite ||= r.rewrite === true;
    }
    return rewrite;
  }

  /** Put the whole document (sections as stored, unknown top-level keys kept) in lowdb and write it. */
  private async writeDocument(): Promise<void> {
    const out: Document = { ...this.top, schemaVersion: CURRENT_SCHEMA_VERSION };
    for (const [name, slot] of this.slots) out[name] = slot.raw;
    this.db.data = out;
    await this.db.write();
  }

  /**
   * Write the whole file. On failure the file is left as it was, a notice says changes are not
   * saved, and a retry is scheduled; returns whether the write succeeded.
   */
  private async flush(why: 'create' | 'migrate' | 'retry'): Promise<boolean> {
    try {
      await this.writeDocument();
      this.clearUnsaved();
      return true;
    } catch (e) {
      this.markUnsaved(e as Error, why);
      return false;
    }
  }

  private markUnsaved(e: Error, why: string): void {
    if (!this.unsaved) {
      const message =
        why === 'migrate'
          ? `${this.path} could not be updated to this version's format (${e.message}). Your settings are used as they are and the file is kept; changes cannot be saved until it can be written. WakeDock retries.`
          : `${this.path} could not be written (${e.message}); changes cannot be saved until it can. WakeDock retries.`;
      this.unsaved = { level: 'error', message };
      this.notices.push(this.unsaved);
      this.logger.warn(`store: ${message}`);
    }
    this.scheduleRetry();
  }

  private clearUnsaved(): void {
    if (!this.unsaved) return;
    const i = this.notices.indexOf(this.unsaved);
    if (i >= 0) this.notices.splice(i, 1);
    this.unsaved = null;
    this.logger.info(`store: ${this.path} written again`);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.queue = this.queue.then(async () => {
        if (this.unsaved && !this.closed) await this.flush('retry');
      });
    }, this.opts.retryMs ?? 30_000);
    this.retryTimer.unref?.();
  }

  // ---- the section API ------------------------------------------------------------------------

  get<K extends SectionName>(section: K): SectionValue<K> {
    return this.slots.get(section)!.value as SectionValue<K>;
  }

  /**
   * Change one section: `fn` gets the current value and returns the next one. Updates run one after
   * another; the write is atomic and, if it fails, memory rolls back and the caller gets a retryable
   * STORE_ERROR. Listeners hear about the change once it is on disk.
   */
  update<K extends SectionName>(section: K, fn: (current: SectionValue<K>) => SectionValue<K>): Promise<SectionValue<K>> {
    const run = async (): Promise<SectionValue<K>> => {
      if (this.readOnly) throw RpcError.from('STORE_ERROR', `Changes cannot be saved: ${this.readOnly}.`);
      if (this.closed) throw RpcError.from('STORE_ERROR', `Changes cannot be saved: WakeDock is shutting down.`);
      const def = SECTIONS[section] as unknown as SectionDef<SectionValue<K>>;
      const slot = this.slots.get(section)!;
      const previous = slot.value as SectionValue<K>;
      const next = fn(previous);
      const raw = def.write(next, { raw: slot.raw, value: previous }, this.ctx);
      // Read back what will be stored, so memory holds exactly what a restart would read.
      const value = def.read(raw, this.ctx).value as SectionValue<K>;
      const before = { ...slot };
      slot.raw = raw;
      slot.value = value;
      try {
        await this.writeDocument();
      } catch (e) {
        slot.raw = before.raw;
        slot.value = before.value;
        throw RpcError.from('STORE_ERROR', `${section} could not be saved to ${this.path}: ${(e as Error).message}`, { retryable: true });
      }
      this.clearUnsaved();
      this.emit(section, value, previous);
      return value;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => {});
    return p;
  }

  onChange<K extends SectionName>(section: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(section);
    if (!set) this.listeners.set(section, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => void set.delete(listener as Listener<never>);
  }

  private emit<K extends SectionName>(section: K, value: SectionValue<K>, previous: SectionValue<K>): void {
    for (const l of this.listeners.get(section) ?? []) {
      try {
        (l as Listener<K>)(value, previous);
      } catch (e) {
        this.logger.warn(`store: a ${section} listener threw`, e);
      }
    }
  }

  /** Wait for pending writes, stop retrying and release the data-dir lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Writes asked for in the same turn as the close (a service's last save on dispose) still land.
    await new Promise((r) => setImmediate(r));
    await this.queue;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.queue;
    this.listeners.clear();
    await this.lock?.release();
    this.lock = null;
  }
}

/** Tighten a path to owner-only if it is wider (on platforms with modes). */
async function ownerOnly(path: string, mode: number, logger: Logger): Promise<void> {
  if (!HAS_MODES) return;
  try {
    const st = await stat(path);
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) {
      await chmod(path, mode);
      logger.info(`store: ${path} was readable by others (mode ${(st.mode & 0o777).toString(8)}); now ${mode.toString(8)}`);
    }
  } catch (e) {
    logger.warn(`store: could not check the mode of ${path}`, e);
  }
}

/** The alerts section in the shape the alert service takes (read once at start, replaced whole). */
export function alertsStoreOf(store: JsonStore): { readonly alerts: SectionValue<'alerts'>; saveAlerts(next: SectionValue<'alerts'>): Promise<void> } {
  return {
    get alerts() {
      return store.get('alerts');
    },
    saveAlerts: async (next) => void (await store.update('alerts', () => next)),
  };
}
