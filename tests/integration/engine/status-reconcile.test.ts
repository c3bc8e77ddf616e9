// The container table against the real engine: status times that stay right whenever they are
// printed, and states that do not drift from the engine when it changes without an event.
import { mkdtempSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusText, type CallName, type ContainerPatch, type ContainerSummary, type ProcInput, type ProcOutput } from '../../../src-main/contract';
import { createCore, type Core } from '../../../src-main/core/create-core';
import { mapEngineError } from '../../../src-main/core/engine/engine-errors';
import { TRANSITIONAL_POLL_MS } from '../../../src-main/core/engine/host-connection';
import { RpcServer, silentLogger } from '../../../src-main/rpc/dispatcher';
import { SHARED_SOCKET, cleanupTestContainers, discoveryFor, docker, ensureTestImage, runContainer, sleep, uniqueName, waitFor } from '../../support/docker-fixtures';
import { connectInMemory, type InMemoryLink } from '../../support/rpc-harness';

const AREA = 'status';
const PREFIX = `wdtest-${AREA}-`;

interface Harness {
  core: Core;
  link: InMemoryLink;
  dataDir: string;
  table: Map<string, ContainerSummary>;
  /** Every state each container was shown in, in order, with the local time it arrived. */
  seen: Map<string, { state: string; at: number }[]>;
  call<P extends CallName>(p: P, input: ProcInput<P>): Promise<ProcOutput<P>>;
  close(): void;
}

async function startCore(): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wdtest-status-'));
  const core = await createCore({ dataDir, mode: 'serve', appVersion: '0.0.0-test', logger: silentLogger, discovery: discoveryFor(SHARED_SOCKET) });
  const server = new RpcServer(core.handlers, { mapError: mapEngineError, logger: silentLogger, validateOutput: true });
  const link = connectInMemory(server);
  const table = new Map<string, ContainerSummary>();
  const seen = new Map<string, { state: string; at: number }[]>();
  let loaded = false;
  const note = (c: ContainerSummary): void => {
    const list = seen.get(c.id) ?? [];
    if (list.at(-1)?.state !== c.state) list.push({ state: c.state, at: Date.now() });
    seen.set(c.id, list);
  };
  link.client.subscribe(
    'containers.watch',
    { hostId: 'local' },
    {
      next: (p: ContainerPatch) => {
        if (p.kind === 'snapshot') {
          loaded = true;
          table.clear();
          for (const c of p.containers) {
            table.set(c.id, c);
            note(c);
          }
        } else {
          for (const c of p.upserts) {
            table.set(c.id, c);
            note(c);
          }
          for (const id of p.removed) table.delete(id);
        }
      },
    },
  );
  const h: Harness = {
    core,
    link,
    dataDir,
    table,
    seen,
    call: (p, input) => link.client.call(p, input) as never,
    close: () => {
      link.close();
      core.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await waitFor('the snapshot', () => loaded || undefined, { timeoutMs: 15_000 });
  return h;
}

let h: Harness;
const dirs: string[] = [];

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  h = await startCore();
});

afterAll(async () => {
  h?.close();
  await cleanupTestContainers({ namePrefix: PREFIX });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const inspectTime = async (name: string, field: 'StartedAt' | 'FinishedAt'): Promise<number> => Date.parse(await docker(['inspect', '-f', `{{.State.${field}}}`, name]));

describe('status times', () => {
  it('a container that changed while watched carries the engine exact StartedAt, then FinishedAt and the exit code', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'sleep 2; exit 4'] });
    const started = await inspectTime(c.name, 'StartedAt');
    const up = await waitFor('the running row', () => (h.table.get(c.id)?.state === 'running' ? h.table.get(c.id) : undefined));
    expect(up.startedAt).toBe(started);
    // Printed at any later time, the text is docker's wording for the true elapsed time.
    expect(statusText(up, started + 5 * 60_000 + 10_000)).toBe('Up 5 minutes');

    const exited = await waitFor('the exited row', () => (h.table.get(c.id)?.state === 'exited' ? h.table.get(c.id) : undefined), { timeoutMs: 10_000 });
    expect(exited.finishedAt).toBe(await inspectTime(c.name, 'FinishedAt'));
    expect(exited.exitCode).toBe(4);
    expect(statusText(exited, exited.finishedAt! + 15 * 60_000)).toBe('Exited (4) 15 minutes ago');
  });

  it('a core started later (no event seen) derives the times from the list text, within the text precision', async () => {
    const c = await runContainer({ area: AREA });
    await sleep(2_500);
    const later = await startCore();
    try {
      const row = await waitFor('the row in the new snapshot', () => later.table.get(c.id));
      const started = await inspectTime(c.name, 'StartedAt');
      // "Up 2 seconds" read at list time: exact to half a second (plus the request's own duration).
      expect(Math.abs(row.startedAt! - started)).toBeLessThanOrEqual(1_000);
      // The text docker ps prints now is what we print now (the boundary second aside).
      const now = Date.now();
      const ps = await docker(['ps', '--filter', `id=${c.id}`, '--format', '{{.Status}}']);
      const ours = [statusText(row, now - 1000), statusText(row, now), statusText(row, Date.now() + 1000)];
      expect(ours).toContain(ps);
    } finally {
      later.close();
    }
  });
});

describe('states do not drift from the engine', () => {
  it('a restart loop the engine ends with an error (no event) leaves "Restarting" within the stated bound', async () => {
    // The engine restarts the container (exit 3) with a growing backoff; once the bind mount's
    // source is gone, its next start fails inside the engine: the container becomes "exited"
    // without any event (moby daemon/monitor.go). Only a re-read can notice.
    const dir = mkdtempSync(join(tmpdir(), `${PREFIX}mnt-`));
    dirs.push(dir);
    const name = uniqueName(AREA);
    const c = await runContainer({ area: AREA, name, cmd: ['sh', '-c', 'exit 3'], extra: ['--restart', 'always', '--mount', `type=bind,src=${dir},dst=/x`] });
    await waitFor('a few restarts', async () => Number(await docker(['inspect', '-f', '{{.RestartCount}}', name])) >= 4, { timeoutMs: 20_000, intervalMs: 100 });
    rmdirSync(dir);
    const exitedAt = await waitFor(
      'the engine to give up',
      async () => ((await docker(['inspect', '-f', '{{.State.Status}}', name])) === 'exited' ? Date.now() : undefined),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    // Our table showed the loop…
    expect(h.seen.get(c.id)?.some((s) => s.state === 'restarting')).toBe(true);
    // …and follows the engine out of it within the poll interval (plus a request's time).
    const row = await waitFor('the exited row', () => (h.table.get(c.id)?.state === 'exited' ? h.table.get(c.id) : undefined), { timeoutMs: TRANSITIONAL_POLL_MS + 3_000, intervalMs: 50 });
    expect(h.seen.get(c.id)!.at(-1)!.at - exitedAt).toBeLessThanOrEqual(TRANSITIONAL_POLL_MS + 1_000);
    expect(row.exitCode).toBe(Number(await docker(['inspect', '-f', '{{.State.ExitCode}}', name])));
    expect(statusText(row, Date.now())).toMatch(/^Exited \(\d+\) /);
  });

  it('containers.reconcile re-reads the list and pushes nothing for rows that did not change', async () => {
    // (The engine is shared with other test runs: only this file's containers are checked.)
    const c = await runContainer({ area: AREA });
    await waitFor('the row', () => h.table.get(c.id)?.state === 'running' || undefined);
    await sleep(300);
    const mine = (): string => JSON.stringify([...h.table.values()].filter((x) => x.name.startsWith(PREFIX)).sort((a, b) => a.id.localeCompare(b.id)));
    const before = mine();
    const pushed: string[] = [];
    const sub = h.link.client.subscribe('containers.watch', { hostId: 'local' }, { next: (p: ContainerPatch) => p.kind === 'patch' && pushed.push(...p.upserts.map((u) => u.name)) });
    await sleep(200);
    await h.call('containers.reconcile', { hostId: 'local' });
    await h.call('containers.reconcile', { hostId: 'local' });
    await sleep(200);
    h.link.client.unsubscribe(sub);
    expect(pushed.filter((n) => n.startsWith(PREFIX))).toEqual([]);
    expect(mine()).toBe(before);
  });
});
