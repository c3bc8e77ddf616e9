// Logs against the real engine, through createCore's handlers behind a real RpcServer (output
// validated against the contract): history + live, stderr labelled, TTY raw, restarts (no line lost
// or doubled, a restart marker), since/until, load earlier, the compose project merge, teardown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcOutput, RpcErrorData } from '../../../src-main/contract';
import { cleanupTestContainers, docker, ensureTestImage, runContainer, sleep, uniqueName, waitFor } from '../../support/docker-fixtures';
import type { RpcServer } from '../../../src-main/rpc/dispatcher';
import type { InMemoryLink } from '../../support/rpc-harness';
import { startCoreRig, type CoreRig } from '../../support/core-rig';

const AREA = 'logs';
const PREFIX = `wdtest-${AREA}-`;
type Ev = ProcOutput<'logs.follow'>;
type Line = Extract<Ev, { kind: 'lines' }>['lines'][number];

let rig: CoreRig;
let server: RpcServer;
let link: InMemoryLink;

class Sub {
  events: Ev[] = [];
  error: RpcErrorData | null = null;
  ended = false;
  id: number;
  constructor(p: 'logs.follow' | 'logs.followProject', input: unknown) {
    this.id = link.client.subscribe(p, input, {
      next: (d) => this.events.push(d as Ev),
      error: (e) => (this.error = e),
      end: () => (this.ended = true),
    });
  }
  get lines(): Line[] {
    return this.events.flatMap((e) => (e.kind === 'lines' ? e.lines : []));
  }
  texts(): string[] {
    return this.lines.map((l) => l.text);
  }
  close(): void {
    link.client.unsubscribe(this.id);
  }
}

beforeAll(async () => {
  await ensureTestImage();
  await cleanupTestContainers({ namePrefix: PREFIX });
  rig = await startCoreRig({ area: 'logs', mode: 'serve' });
  ({ server, link } = rig);
});

afterAll(async () => {
  await rig?.dispose();
  await cleanupTestContainers({ namePrefix: PREFIX });
});

describe('logs.follow', () => {
  it('sends history then live lines, stdout and stderr labelled, in batches', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'for i in 1 2 3; do echo out-$i; echo err-$i >&2; done; sleep 2; echo late-out; echo late-err >&2; sleep 3600'] });
    await waitFor('the first lines', async () => (await docker(['logs', c.name])).includes('out-3'));
    const sub = new Sub('logs.follow', { hostId: 'local', id: c.name });
    await waitFor('history', () => sub.texts().includes('err-3'));
    expect(sub.events[0]?.kind).toBe('hello');
    expect(sub.events.some((e) => e.kind === 'caught-up')).toBe(true);
    await waitFor('live lines', () => sub.texts().includes('late-err') && sub.texts().includes('late-out'), { timeoutMs: 8000 });
    const byText = new Map(sub.lines.map((l) => [l.text, l]));
    expect(byText.get('out-1')?.stream).toBe('stdout');
    expect(byText.get('err-2')?.stream).toBe('stderr');
    expect(byText.get('late-err')?.stream).toBe('stderr');
    // Timestamps are the engine's (close to now), in ms.
    expect(Math.abs(byText.get('late-out')!.ts - Date.now())).toBeLessThan(60_000);
    // Batched: 8 lines in far fewer messages than lines.
    expect(sub.events.filter((e) => e.kind === 'lines').length).toBeLessThan(sub.lines.length);
    // Each line exactly once.
    expect(sub.texts().filter((t) => t === 'out-2')).toHaveLength(1);
    sub.close();
    await waitFor('teardown', () => server.liveStreams === 0);
  });

  it('keeps following across restarts: no line lost or doubled, a restart marker between runs', async () => {
    // Each run prints a counter and its run number, then exits; restart picks the next run.
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; for i in 1 2 3 4 5; do echo run$n-line$i; done; sleep 1; echo run$n-end'] });
    const sub = new Sub('logs.follow', { hostId: 'local', id: c.id });
    await waitFor('the first run to end', () => sub.texts().includes('run1-end'), { timeoutMs: 10_000 });
    await waitFor('the exited state', () => sub.events.some((e) => e.kind === 'state' && e.state === 'exited'), { timeoutMs: 10_000 });
    await docker(['start', c.id]);
    await waitFor('the second run', () => sub.texts().includes('run2-end'), { timeoutMs: 10_000 });
    await docker(['restart', '-t', '0', c.id]);
    await waitFor('the third run', () => sub.texts().includes('run3-end'), { timeoutMs: 10_000 });
    const expected = [1, 2, 3].flatMap((r) => [1, 2, 3, 4, 5].map((i) => `run${r}-line${i}`).concat(`run${r}-end`));
    expect(sub.texts()).toEqual(expected);
    // Markers sit between the runs.
    const seq = sub.events.flatMap((e) => (e.kind === 'restart' ? ['RESTART'] : e.kind === 'lines' ? e.lines.map((l) => l.text) : []));
    expect(seq.filter((x) => x === 'RESTART')).toHaveLength(2);
    expect(seq.indexOf('RESTART')).toBe(seq.indexOf('run1-end') + 1);
    expect(seq.lastIndexOf('RESTART')).toBe(seq.indexOf('run2-end') + 1);
    sub.close();
  });

  it('a TTY container is read raw (no frame headers in the text)', async () => {
    const c = await runContainer({ area: AREA, extra: ['-t'], cmd: ['sh', '-c', 'printf "tty-a\\ntty-b\\n"; sleep 3600'] });
    const sub = new Sub('logs.follow', { hostId: 'local', id: c.name });
    await waitFor('tty lines', () => sub.texts().some((t) => t.startsWith('tty-b')));
    const texts = sub.texts();
    // A TTY turns \n into \r\n; the \r is kept (nothing stripped), no header bytes leak in.
    expect(texts).toEqual(['tty-a\r', 'tty-b\r']);
    sub.close();
  });

  it('honours tail, since/until, and ends a closed range', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'for i in $(seq 1 50); do echo n$i; done; sleep 2; echo after; sleep 3600'] });
    await waitFor('the lines', async () => (await docker(['logs', c.name])).includes('n50'));
    const tail = new Sub('logs.follow', { hostId: 'local', id: c.name, tail: 5 });
    await waitFor('tail', () => tail.events.some((e) => e.kind === 'caught-up'));
    expect(tail.texts()).toEqual(['n46', 'n47', 'n48', 'n49', 'n50']);
    tail.close();

    await waitFor('after', async () => (await docker(['logs', c.name])).includes('after'));
    const all = (await docker(['logs', '-t', c.name])).split('\n');
    const tsOf = (text: string): string => all.find((l) => l.endsWith(` ${text}`))!.split(' ')[0]!;
    const range = new Sub('logs.follow', { hostId: 'local', id: c.name, since: tsOf('n1'), until: tsOf('n50') });
    await waitFor('the range to end', () => range.ended);
    expect(range.texts()).toEqual(Array.from({ length: 50 }, (_, i) => `n${i + 1}`));
    expect(range.events.some((e) => e.kind === 'state' && e.state === 'complete')).toBe(true);
    const sinceEpoch = new Sub('logs.follow', { hostId: 'local', id: c.name, since: Date.parse(tsOf('after')) / 1000 - 0.0005 });
    await waitFor('since', () => sinceEpoch.texts().includes('after'));
    expect(sinceEpoch.texts()).toEqual(['after']);
    sinceEpoch.close();
  });

  it('logs.earlier returns the lines before a time, limited', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'for i in $(seq 1 30); do echo e$i; done; sleep 3600'] });
    await waitFor('the lines', async () => (await docker(['logs', c.name])).includes('e30'));
    const sub = new Sub('logs.follow', { hostId: 'local', id: c.name, tail: 10 });
    await waitFor('tail', () => sub.events.some((e) => e.kind === 'caught-up'));
    const first = sub.lines[0]!;
    expect(first.text).toBe('e21');
    // The lines the view holds at exactly that millisecond are excluded by count.
    const have = sub.lines.filter((l) => l.ts === first.ts).length;
    const r = (await link.client.call('logs.earlier', { hostId: 'local', id: c.name, before: first.ts, have, limit: 10 })) as ProcOutput<'logs.earlier'>;
    expect(r.lines.map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i + 11}`));
    expect(r.more).toBe(true);
    const rest = (await link.client.call('logs.earlier', { hostId: 'local', id: c.name, before: r.lines[0]!.ts, have: r.lines.filter((l) => l.ts === r.lines[0]!.ts).length + have * Number(r.lines[0]!.ts === first.ts), limit: 100 })) as ProcOutput<'logs.earlier'>;
    expect(rest.lines.map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i + 1}`));
    expect(rest.more).toBe(false);
    sub.close();
  });

  it('decodes invalid UTF-8 as U+FFFD and keeps multi-byte characters and ANSI escapes', async () => {
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'printf "bad:\\377\\376:end\\n"; printf "\\033[31mred\\033[0m héllo ✓\\n"; sleep 3600'] });
    const sub = new Sub('logs.follow', { hostId: 'local', id: c.name });
    await waitFor('lines', () => sub.lines.length >= 2);
    expect(sub.texts()).toEqual(['bad:\uFFFD\uFFFD:end', '\u001b[31mred\u001b[0m héllo ✓']);
    sub.close();
  });

  it('an unknown container fails with NOT_FOUND; unsubscribe tears the engine stream down', async () => {
    await waitFor('earlier tests to tear down', () => server.liveStreams === 0);
    const bad = new Sub('logs.follow', { hostId: 'local', id: 'wdtest-logs-nonexistent' });
    await waitFor('error', () => bad.error);
    expect(bad.error?.code).toBe('NOT_FOUND');
    expect(server.liveStreams).toBe(0);
    const c = await runContainer({ area: AREA, cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
    const sub = new Sub('logs.follow', { hostId: 'local', id: c.name });
    await waitFor('ticks', () => sub.lines.length > 3);
    sub.close();
    await waitFor(`teardown (live: ${server.liveStreams})`, () => server.liveStreams === 0);
    const n = sub.lines.length;
    await sleep(500);
    expect(sub.lines.length).toBe(n);
  });
});

describe('logs.followProject', () => {
  it('merges the containers of a project by timestamp, tagged by service, and follows a service filter', async () => {
    const project = uniqueName('proj').replace(/-/g, '');
    const label = (svc: string) => ({ 'com.docker.compose.project': project, 'com.docker.compose.service': svc });
    // Two services printing interleaved lines 300 ms apart (a first, b 150 ms later).
    await runContainer({ area: AREA, labels: label('a'), cmd: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do echo a$i; sleep 0.2; done; sleep 3600'] });
    await sleep(150);
    await runContainer({ area: AREA, labels: label('b'), cmd: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do echo b$i; sleep 0.2; done; sleep 3600'] });
    await sleep(300);
    const sub = new Sub('logs.followProject', { hostId: 'local', project });
    await waitFor('all lines', () => sub.lines.length >= 16, { timeoutMs: 10_000 });
    const hello = sub.events[0];
    expect(hello?.kind === 'hello' && hello.sources.map((s) => s.src).sort()).toEqual(['a', 'b']);
    const ts = sub.lines.map((l) => l.ts);
    expect([...ts].sort((x, y) => x - y)).toEqual(ts);
    expect(sub.lines.filter((l) => l.src === 'a').map((l) => l.text)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
    expect(sub.lines.filter((l) => l.src === 'b').map((l) => l.text)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8']);
    // Interleaved, not one container after the other.
    const order = sub.lines.map((l) => l.src).join('');
    expect(order).not.toMatch(/^a+b+$|^b+a+$/);
    sub.close();

    const only = new Sub('logs.followProject', { hostId: 'local', project, services: ['b'] });
    await waitFor('b lines', () => only.lines.length >= 8);
    expect(new Set(only.lines.map((l) => l.src))).toEqual(new Set(['b']));
    only.close();
    await waitFor('teardown', () => server.liveStreams === 0);
  });
});
