// One WakeDock process per data dir: two processes writing the same wakedock.json and stats.db
// erase each other's changes. The lock is a file created exclusively (O_EXCL) holding who took it:
// pid, the process's start time (to tell a reused pid from the holder), host name and mode. A lock
// whose process is gone (or whose pid now belongs to another process) is stale and taken over.
// Hand-written (about 80 lines) because proper-lockfile records no holder: the second process must
// say which one holds the dir, and a pid check needs no heartbeat timer.
import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'wakedock.lock';

export interface LockHolder {
  pid: number;
  /** Process start: clock ticks since boot on Linux (/proc/<pid>/stat), else epoch ms. */
  start: string;
  host: string;
  mode: string;
  since: string;
}

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The data dir ${dir} is in use by another WakeDock (${holder.mode}, pid ${holder.pid} on ${holder.host}, since ${holder.since}). ` +
        `Two processes on one data dir would erase each other's settings: quit that one, or give this one another data dir (--data-dir / WAKEDOCK_DATA_DIR).`,
    );
  }
}

/** Start time of a process as the OS reports it, or null where it cannot be read. */
export function processStart(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may contain spaces: count after its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the recorded holder still running (same pid and, where it can be told, same process)? */
function holderRunning(h: LockHolder): boolean {
  if (h.host !== hostname()) return true; // a shared dir on another machine: cannot check, assume held
  if (!Number.isInteger(h.pid) || h.pid <= 0 || !alive(h.pid)) return false;
  const start = processStart(h.pid);
  return start === null || start === h.start || !/^\d+$/.test(h.start);
}

const self = (mode: string): LockHolder => ({
  pid: process.pid,
  start: processStart(process.pid) ?? String(Math.round(Date.now() - process.uptime() * 1000)),
  host: hostname(),
  mode,
  since: new Date().toISOString(),
});

// Within one process the lock is shared (tests open a store twice; one core per process in the app).
const held = new Map<string, { count: number; path: string }>();

export interface DataDirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dir: string, mode: string): Promise<DataDirLock> {
  const path = join(dir, LOCK_FILE);
  const mine = held.get(path);
  if (mine) {
    mine.count++;
  } else {
    for (let attempt = 0; ; attempt++) {
      try {
        const fh = await open(path, 'wx', 0o600);
        try {
          await fh.writeFile(JSON.stringify(self(mode)) + '\n');
          await fh.sync();
        } finally {
          await fh.close();
        }
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
        let holder: LockHolder | null = null;
        try {
          holder = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
        } catch {
          // Unreadable or half-written: a process that died while taking it (the write is tiny).
        }
        if (holder && holder.pid === process.pid && holder.host === hostname()) {
          // Our own lock from an earlier open in this process that was released without unlinking.
        } else if (holder && holderRunning(holder)) {
          throw new DataDirLockedError(dir, holder);
        }
        await unlink(path).catch(() => {});
      }
    }
    held.set(path, { count: 1, path });
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      const h = held.get(path);
      if (!h || --h.count > 0) return;
      held.delete(path);
      await unlink(path).catch(() => {});
    },
  };
}
