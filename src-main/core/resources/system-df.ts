// GET /system/df, one at a time per engine client. The engine refuses a second disk-usage walk while
// one runs ("a disk usage operation is already running"), and WakeDock asks from several places at
// once (background volume sizes, prune previews, the disk page, a clean-up's before/after). So calls
// on one client queue behind each other (each still gets a walk that started after it asked, so a
// measurement after a removal is never an older answer), and a refusal caused by another client
// (the docker CLI, a second WakeDock) is retried with backoff for up to ~10 s.
import type Dockerode from 'dockerode';
import { engineMessage } from '../engine/engine-errors';

const BUSY = /disk usage operation is already running/i;
const RETRY_DELAYS_MS = [100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];

const queues = new WeakMap<Dockerode, Promise<unknown>>();

export function systemDf<T>(docker: Dockerode): Promise<T> {
  const previous = queues.get(docker) ?? Promise.resolve();
  const run = previous.then(() => dfWithRetry(docker)) as Promise<T>;
  queues.set(
    docker,
    run.catch(() => undefined),
  );
  return run;
}

async function dfWithRetry(docker: Dockerode): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await docker.df();
    } catch (e) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !BUSY.test(engineMessage(e as never) || String((e as Error)?.message))) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
