// A pull or push as a stream of per-layer progress: the engine's JSON lines go through PullProgress,
// snapshots go out at most every `emitMs`, the end sends `done` (or fails with the engine's words),
// and the returned stop ends the timer and destroys the engine stream (unsubscribe aborts it).
import type Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import type { StreamSink } from '../../contract/handlers';
import type { PullEvent } from '../../contract/procedures/run';
import { engineStreamError } from './engine-errors';
import { PullProgress, type RawPullLine } from './pull-progress';

export interface LayerStreamOptions {
  docker: Dockerode;
  ref: string;
  /** Start the engine request; call back with its stream (dockerode's pull/push callback form). */
  open(cb: (err: unknown, s?: NodeJS.ReadableStream) => void): void;
  sink: StreamSink<PullEvent>;
  signal: AbortSignal;
  /** The `done` event's status, e.g. "Pulled nginx:1". */
  doneStatus: string;
  /** What failed, when the engine says nothing ("the pull failed"). */
  failed: string;
  mapOpenError?(e: unknown): unknown;
  onDone?(): void;
  emitMs?: number;
}

export function streamLayerProgress(o: LayerStreamOptions): () => void {
  const progress = new PullProgress(o.ref);
  let stream: Readable | null = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    if (progress.dirty) o.sink.next(progress.snapshot());
  };
  const stop = (): void => {
    if (timer) clearInterval(timer);
    timer = null;
    stream?.destroy();
  };
  o.open((err, s) => {
    if (o.signal.aborted) return void (s as Readable | undefined)?.destroy();
    if (err || !s) return void o.sink.fail(err ? (o.mapOpenError?.(err) ?? err) : new Error('the engine sent no progress stream'));
    stream = s as Readable;
    timer = setInterval(flush, o.emitMs ?? 200);
    o.docker.modem.followProgress(
      s,
      (doneErr: unknown) => {
        if (o.signal.aborted) return;
        stop();
        if (doneErr || progress.error) return void o.sink.fail(doneErr ?? engineStreamError(progress.error ?? o.failed));
        flush();
        o.onDone?.();
        o.sink.next({ kind: 'done', status: o.doneStatus, digest: progress.digest });
        o.sink.end();
      },
      (line: RawPullLine) => progress.push(line),
    );
  });
  return stop;
}
