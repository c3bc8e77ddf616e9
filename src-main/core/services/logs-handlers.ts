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

export function logsHandlers(ctx: CoreContext): DomainHandlers<typeof logsProcedures> {
  const { hosts, store, logger } = ctx;
  const defaultTail = (): number => store.get('settings').logTail;

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
      // The engine applies tail before until, so "the last N before T" means reading up to T and
      // keeping the last N here (a ring of limit+1 lines tells whether there are more).
      const stream = await openLogStream(docker, target.id, { follow: false, tail: 'all', until: endOfMsEngineTime(before) });
      // A ring of the last `limit` lines (shift() on a big array per line would be quadratic).
      const cap = limit + have;
      const ring: WireLine[] = new Array<WireLine>(cap);
      let total = 0;
      const parser = new LogParser({
        tty: target.tty,
        onLine: (l) => {
          if (l.ts > before) return;
          ring[total % cap] = { ts: l.ts, stream: l.stream, text: l.text };
          total++;
        },
      });
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (c: Buffer) => parser.push(c));
        stream.on('end', () => resolve());
        stream.on('error', reject);
      });
      parser.end();
      // The last `have` lines are the ones the caller already holds (the engine's order is stable).
      const kept = Math.max(0, total - have);
      const n = Math.min(kept, limit);
      const start = total > cap ? total % cap : 0;
      const first = Math.min(total, cap) - have - n;
      const lines = Array.from({ length: n }, (_, i) => {
        return ring[(start + first + i) % cap]!;
      });
      return { lines, more: kept > limit };
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
