// Follows one container's log: history (last N lines or a range), then live lines, and across
// restarts. The engine ends a follow stream when the container stops; we then wait for its next
// start (the shared engine events stream, plus a slow poll in case an event was missed during an
// engine reconnect) and re-attach with since=<timestamp of the last line we delivered>. "since" is
// inclusive, so the lines at exactly that timestamp come back again and are skipped by count: no
// line is lost or doubled. Re-attaching asks for a bounded tail first (the engine applies tail
// before since, and a full scan of a big json log is slow); if that tail does not reach back to our
// last line, it re-reads with tail=all.
import type Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import type { Logger } from '../../contract/handlers';
import { isNotFound } from '../engine/engine-errors';
import type { EngineEvent } from '../engine/host-connection';
import { fromRfc3339, openLogStream } from './engine-logs';
import { LogParser, type ParsedLine } from './log-parser';

export interface LogTarget {
  id: string;
  name: string;
  tty: boolean;
  running: boolean;
  startedAt: string;
  exitCode: number;
  labels: Record<string, string>;
}

export async function inspectForLogs(docker: Dockerode, id: string): Promise<LogTarget> {
  const info = await docker.getContainer(id).inspect();
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    tty: Boolean(info.Config?.Tty),
    running: Boolean(info.State?.Running),
    startedAt: info.State?.StartedAt ?? '',
    exitCode: info.State?.ExitCode ?? 0,
    labels: info.Config?.Labels ?? {},
  };
}

export type FollowerEvent =
  | { kind: 'caught-up' }
  | { kind: 'state'; state: 'running' | 'exited' | 'removed' | 'complete'; at: number; exitCode?: number }
  | { kind: 'restart'; at: number };

export interface FollowerOptions {
  /** The engine client now (throws ENGINE_UNREACHABLE while the engine is away). */
  docker(): Dockerode;
  onEngineEvent(listener: (e: EngineEvent<'container'>) => void): () => void;
  target: LogTarget;
  tail: number | 'all';
  /** Engine time form "<s>.<ns>". */
  since?: string;
  until?: string;
  onLine(line: ParsedLine): void;
  onEvent(ev: FollowerEvent): void;
  onError(e: unknown): void;
  logger: Logger;
  /** Lines asked for when re-attaching before falling back to tail=all. */
  reattachTail?: number;
  /** Poll interval while waiting for a start (covers events missed during an engine reconnect). */
  waitPollMs?: number;
}

type Phase = 'history' | 'attached' | 'checking' | 'waiting' | 'done';

const startedMs = (s: string): number => {
  const ms = Date.parse(s);
  return Number.isNaN(ms) || ms < 0 ? Date.now() : ms;
};

export class ContainerLogFollower {
  private phase: Phase = 'history';
  private stream: Readable | null = null;
  private parser: LogParser | null = null;
  private readonly abort = new AbortController();
  private offEvents: (() => void) | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Timestamp (raw, fixed-width UTC) of the last delivered line, and how many lines carried it. */
  private lastTs = '';
  private countAtLast = 0;
  private attachedStartedAt: string;
  private quickEnds = 0;
  /** Reading is held for a slow viewer (backpressure): the engine keeps the data meanwhile. */
  private held = false;

  constructor(private readonly o: FollowerOptions) {
    this.attachedStartedAt = o.target.startedAt;
  }

  get id(): string {
    return this.o.target.id;
  }

  start(): void {
    this.offEvents = this.o.onEngineEvent((e) => this.onEngineEvent(e));
    void this.readHistory();
  }

  stop(): void {
    this.phase = 'done';
    this.abort.abort();
    this.offEvents?.();
    this.offEvents = null;
    this.closeStream();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = null;
    this.retryTimer = null;
  }

  /**
   * Stop reading the engine's stream until resume(): the viewer is behind. The engine then stops
   * sending (TCP backpressure through the socket), so nothing is buffered here and nothing is lost.
   */
  pauseReading(): void {
    this.held = true;
    this.stream?.pause();
  }

  resumeReading(): void {
    this.held = false;
    this.stream?.resume();
  }

  private get stopped(): boolean {
    return this.phase === 'done';
  }

  private deliver(line: ParsedLine): void {
    if (line.tsRaw) {
      if (line.tsRaw === this.lastTs) this.countAtLast++;
      else {
        this.lastTs = line.tsRaw;
        this.countAtLast = 1;
      }
    }
    this.o.onLine(line);
  }

  /** Read one response body through a fresh parser; resolves when the engine ends it. */
  private async pump(query: Parameters<typeof openLogStream>[2], filter?: (line: ParsedLine) => boolean): Promise<'ended' | 'stopped'> {
    const stream = await openLogStream(this.o.docker(), this.id, query, this.abort.signal);
    if (this.stopped) {
      stream.destroy();
      return 'stopped';
    }
    this.stream = stream;
    const parser = new LogParser({ tty: this.o.target.tty, onLine: (l) => (filter ? filter(l) && this.deliver(l) : this.deliver(l)) });
    this.parser = parser;
    // A stream opened while held starts paused (a 'data' listener does not resume an explicitly
    // paused stream).
    if (this.held) stream.pause();
    return new Promise((resolve) => {
      let settled = false;
      const done = (): void => {
        if (settled) return;
        settled = true;
        if (this.stopped) return resolve('stopped');
        parser.end();
        this.stream = null;
        this.parser = null;
        resolve('ended');
      };
      stream.on('data', (chunk: Buffer) => {
        if (!this.stopped) parser.push(chunk);
      });
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
  }

  private closeStream(): void {
    const s = this.stream;
    this.stream = null;
    if (s) {
      s.removeAllListeners('data');
      s.on('error', () => {});
      s.destroy();
    }
  }

  private async readHistory(): Promise<void> {
    const o = this.o;
    try {
      if (o.tail !== 0) {
        if ((await this.pump({ follow: false, tail: o.tail, since: o.since, until: o.until })) === 'stopped') return;
      }
      o.onEvent({ kind: 'caught-up' });
      if (o.until) {
        o.onEvent({ kind: 'state', state: 'complete', at: Date.now() });
        this.phase = 'done';
        return;
      }
      await this.attach(false);
    } catch (e) {
      if (!this.stopped) this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.stopped) return;
    this.stop();
    this.o.onError(e);
  }

  /**
   * The container's run state, or null when there is nothing to follow now: it was removed (the
   * stream ends) or cannot be inspected (the engine is away: wait for the next start).
   */
  private async inspectTarget(): Promise<LogTarget | null> {
    try {
      return await inspectForLogs(this.o.docker(), this.id);
    } catch (e) {
      if (this.stopped) return null;
      if (isNotFound(e)) await this.removed();
      else await this.waitForStart();
      return null;
    }
  }

  /** Follow from where we are. `restarted`: the container started again since the last attach. */
  private async attach(restarted: boolean): Promise<void> {
    if (this.stopped) return;
    const target = await this.inspectTarget();
    if (!target || this.stopped) return;
    const isRestart = restarted || (target.startedAt !== this.attachedStartedAt && target.running);
    this.attachedStartedAt = target.startedAt;
    if (isRestart) this.o.onEvent({ kind: 'restart', at: startedMs(target.startedAt) });
    if (target.running) this.o.onEvent({ kind: 'state', state: 'running', at: startedMs(target.startedAt) });
    this.phase = 'attached';
    const t0 = Date.now();
    try {
      const r = await this.followFromLast();
      if (r === 'stopped') return;
    } catch (e) {
      if (this.stopped) return;
      if (isNotFound(e)) return this.removed();
      this.o.logger.warn(`logs ${this.id.slice(0, 12)}: follow failed`, e);
    }
    // The engine ended the stream: the container stopped (or the engine went away).
    this.quickEnds = Date.now() - t0 < 500 ? this.quickEnds + 1 : 0;
    await this.check();
  }

  /** Follow with since=<last line>, skipping the lines we already delivered. */
  private async followFromLast(): Promise<'ended' | 'stopped'> {
    const o = this.o;
    if (!this.lastTs) {
      // Nothing delivered yet (empty history): everything in the asked range is new.
      return this.pump({ follow: true, tail: o.tail === 0 ? 0 : 'all', since: o.since });
    }
    const since = fromRfc3339(this.lastTs) ?? undefined;
    const lastTs = this.lastTs;
    let skip = this.countAtLast;
    let first = true;
    let gap = false;
    const filter = (line: ParsedLine): boolean => {
      if (first) {
        first = false;
        // A bounded tail that starts after our last line may have cut lines off: re-read all.
        if (tail !== 'all' && line.tsRaw > lastTs) {
          gap = true;
          this.closeStream();
          return false;
        }
      }
      if (gap) return false;
      if (line.tsRaw && line.tsRaw < lastTs) return false;
      if (line.tsRaw === lastTs && skip > 0) {
        skip--;
        return false;
      }
      return true;
    };
    let tail: number | 'all' = o.reattachTail ?? 10_000;
    const r = await this.pump({ follow: true, tail, since }, filter);
    if (!gap || this.stopped) return r;
    tail = 'all';
    first = false;
    gap = false;
    skip = this.countAtLast;
    return this.pump({ follow: true, tail, since }, filter);
  }

  /** After a follow stream ended: restarted already, still running, or stopped? */
  private async check(): Promise<void> {
    if (this.stopped) return;
    this.phase = 'checking';
    const target = await this.inspectTarget();
    if (!target || this.stopped) return;
    if (target.running) {
      if (target.startedAt !== this.attachedStartedAt) return this.attach(true);
      // Still the same run but the stream ended (engine hiccup): re-attach, backing off if it repeats.
      const delay = Math.min(5000, 100 * 2 ** Math.min(this.quickEnds, 6));
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.attach(false);
      }, delay);
      return;
    }
    this.o.onEvent({ kind: 'state', state: 'exited', at: Date.now(), exitCode: target.exitCode });
    this.waitForStart();
  }

  private waitForStart(): void {
    if (this.stopped) return;
    this.phase = 'waiting';
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => void this.pollWhileWaiting(), this.o.waitPollMs ?? 3000);
      this.pollTimer.unref?.();
    }
  }

  private async pollWhileWaiting(): Promise<void> {
    if (this.phase !== 'waiting') return;
    try {
      const t = await inspectForLogs(this.o.docker(), this.id);
      if (this.phase === 'waiting' && t.running) this.resume();
    } catch (e) {
      if (isNotFound(e) && this.phase === 'waiting') this.removed();
    }
  }

  private resume(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.phase = 'checking';
    // A new StartedAt marks the restart; the same one (we only lost the engine for a while) does not.
    void this.attach(false);
  }

  private onEngineEvent(e: EngineEvent<'container'>): void {
    if (e.id !== this.id || this.stopped) return;
    if (e.action === 'start' && this.phase === 'waiting') this.resume();
    else if (e.action === 'destroy') this.removed();
  }

  private removed(): void {
    if (this.stopped) return;
    this.o.onEvent({ kind: 'state', state: 'removed', at: Date.now() });
    this.stop();
  }
}
