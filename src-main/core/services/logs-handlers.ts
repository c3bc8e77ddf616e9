// logs.* procedures: follow one container (history, live, across restarts), follow a compose
// project (merged by timestamp), earlier lines for "load earlier", and save-to-file (desktop).
import { createWriteStream } from 'node:fs';
import { RpcError } from '../../contract';
import type { logsProcedures } from '../../contract/procedures/logs';
import { SourceThrottle } from '../backpressure';
import type { CoreContext, DomainHandlers } from '../context';
import { Batcher } from '../logs/batcher';
import { logFileName, writeLogText } from '../logs/download';
import { endOfMsEngineTime, openLogStream, toEngineTime } from '../logs/engine-logs';
import { ContainerLogFollower, inspectForLogs } from '../logs/follower';
import { LogParser } from '../logs/log-parser';
import { ProjectLogFollower, SERVICE_LABEL } from '../logs/project';

interface WireLine {
  ts: number;
  stream: 'stdout' | 'stderr';
  text: string;
  src?: string;
}

/** Rough wire size of a line (JSON keys and the timestamp included). */
const sizeOf = (text: string): number => text.length + 48;

/** What one logs.earlier answer may hold (its lines' wire size), and how many scans run at once. */
export const EARLIER_MAX_BYTES = 8 * 1024 * 1024;
const EARLIER_CONCURRENCY = 4;

/** A counting semaphore: scans beyond the limit wait their turn instead of holding memory. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

/**
 * The last `limit` lines before a time, in bounded memory: a ring of the lines before the last
 * millisecond (capped in bytes too) and a ring of the lines at that millisecond, of which the caller
 * already holds the last `have`.
 */
export class EarlierWindow {
  private readonly before: Ring;
  private readonly atMs: Ring;
  constructor(
    private readonly limit: number,
    private readonly have: number,
    maxBytes: number,
  ) {
    this.before = new Ring(limit, maxBytes);
    this.atMs = new Ring(limit + have, maxBytes);
  }
  push(line: WireLine, atLastMs: boolean): void {
    if (atLastMs) this.atMs.push(line);
    else this.before.push(line);
  }
  result(): { lines: WireLine[]; more: boolean } {
    const same = this.atMs.items();
    const sameKept = same.slice(0, Math.max(0, same.length - this.have));
    const all = [...this.before.items(), ...sameKept];
    const lines = all.slice(Math.max(0, all.length - this.limit));
    // Anything dropped from either ring is earlier than what is returned and not held by the caller.
    const more = all.length > this.limit || this.before.dropped > 0 || this.atMs.dropped > 0;
    return { lines, more };
  }
}

class Ring {
  private buf: WireLine[] = [];
  private head = 0;
  private bytes = 0;
  dropped = 0;
  constructor(
    private readonly cap: number,
    private readonly maxBytes: number,
  ) {}
  push(l: WireLine): void {
    this.buf.push(l);
    this.bytes += sizeOf(l.text);
    while (this.buf.length - this.head > this.cap || (this.bytes > this.maxBytes && this.buf.length - this.head > 1)) {
      this.bytes -= sizeOf(this.buf[this.head]!.text);
      this.buf[this.head] = undefined as unknown as WireLine;
      this.head++;
      this.dropped++;
    }
    if (this.head > 4096 && this.head * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
  }
  items(): WireLine[] {
    return this.buf.slice(this.head);
  }
}

export function logsHandlers(ctx: CoreContext): DomainHandlers<typeof logsProcedures> {
  const { hosts, store, logger } = ctx;
  const defaultTail = (): number => store.get('settings').logTail;
  const earlierSlots = new Slots(EARLIER_CONCURRENCY);

  return {
    'logs.follow': async ({ hostId, id, tail, since, until }, sink, signal) => {
      const host = hosts.get(hostId);
      const target = await inspectForLogs(host.client(), id);
      if (signal.aborted) return;
      const effectiveTail = tail ?? (since !== undefined ? 'all' : defaultTail());
      // Backpressure: after each batch, hold the engine stream while the viewer is behind.
      let follower: ContainerLogFollower | null = null;
      const throttle = new SourceThrottle(
        sink,
        () => follower?.pauseReading(),
        () => follower?.resumeReading(),
      );
      const batcher = new Batcher<WireLine>((lines) => {
        sink.next({ kind: 'lines', lines });
        throttle.check();
      });
      sink.next({
        kind: 'hello',
        tail: effectiveTail,
        sources: [{ id: target.id, name: target.name, service: target.labels[SERVICE_LABEL] ?? target.name, src: target.name, tty: target.tty }],
      });
      follower = new ContainerLogFollower({
        docker: () => host.client(),
        onEngineEvent: (l) => host.onEngineEvent('container', l),
        target,
        tail: effectiveTail,
        since: since === undefined ? undefined : toEngineTime(since),
        until: until === undefined ? undefined : toEngineTime(until),
        logger,
        // No seq on the wire: views key lines themselves, and 200,000 lines × ","seq":N" is real bytes.
        onLine: (l) => batcher.push({ ts: l.ts, stream: l.stream, text: l.text }, sizeOf(l.text)),
        onEvent: (ev) => {
          batcher.flush();
          sink.next(ev);
          if (ev.kind === 'state' && (ev.state === 'complete' || ev.state === 'removed')) sink.end();
        },
        onError: (e) => {
          batcher.flush();
          sink.fail(e);
        },
      });
      follower.start();
      const f = follower;
      return () => {
        throttle.stop();
        f.stop();
        batcher.dispose();
      };
    },

    'logs.followProject': async ({ hostId, project, services, tail }, sink, signal) => {
      const host = hosts.get(hostId);
      let helloSent = false;
      const effectiveTail = tail ?? defaultTail();
      let pfRef: ProjectLogFollower | null = null;
      const throttle = new SourceThrottle(
        sink,
        () => pfRef?.pause(),
        () => pfRef?.resume(),
      );
      const pf = new ProjectLogFollower({
        docker: () => host.client(),
        onEngineEvent: (l) => host.onEngineEvent('container', l),
        project,
        services,
        tail: effectiveTail,
        logger,
        onSources: (sources) => {
          if (helloSent) sink.next({ kind: 'sources', sources });
          else sink.next({ kind: 'hello', tail: effectiveTail, sources });
          helloSent = true;
        },
        onLines: (lines) => {
          sink.next({ kind: 'lines', lines });
          throttle.check();
        },
        onEvent: (ev) => sink.next(ev),
        onError: (e) => sink.fail(e),
      });
      pfRef = pf;
      await pf.start();
      if (signal.aborted) pf.stop();
      return () => {
        throttle.stop();
        pf.stop();
      };
    },

    'logs.earlier': async ({ hostId, id, before, have, limit }) => {
      const docker = hosts.get(hostId).client();
      const target = await inspectForLogs(docker, id);
      // At most a few scans at once per core: each reads the log up to `before` (the engine applies
      // tail before until, so "the last N before T" means reading up to T and keeping the last N here).
      const release = await earlierSlots.acquire();
      try {
        const stream = await openLogStream(docker, target.id, { follow: false, tail: 'all', until: endOfMsEngineTime(before) });
        // Bounded: the last `limit` lines before `before` (and at most EARLIER_MAX_BYTES of them: an
        // answer cut short says more=true and the caller asks again), plus the lines at exactly
        // `before`, of which the caller holds the last `have`.
        const window = new EarlierWindow(limit, have, EARLIER_MAX_BYTES);
        const parser = new LogParser({ tty: target.tty, onLine: (l) => l.ts <= before && window.push({ ts: l.ts, stream: l.stream, text: l.text }, l.ts === before) });
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (c: Buffer) => parser.push(c));
          stream.on('end', () => resolve());
          stream.on('error', reject);
        });
        parser.end();
        return window.result();
      } finally {
        release();
      }
    },

    'logs.saveToFile': async ({ hostId, id, timestamps }) => {
      const pick = ctx.opts.saveDialog;
      if (!pick) {
        throw RpcError.from('CONFLICT', 'Saving to a file needs the desktop app; in the browser use the Download link.', { hint: 'Download' });
      }
      const docker = hosts.get(hostId).client();
      const target = await inspectForLogs(docker, id);
      const path = await pick(logFileName(target.name));
      if (!path) return { path: null, bytes: 0 };
      const out = createWriteStream(path);
      try {
        const bytes = await writeLogText(docker, target.id, out, { timestamps });
        await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
        return { path, bytes };
      } catch (e) {
        out.destroy();
        throw e;
      }
    },
  };
}
