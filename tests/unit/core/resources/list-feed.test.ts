// ListFeed: one shared read per burst of changes, patches as differences, teardown on the last leave.
import { describe, expect, it } from 'vitest';
import { ListFeed, type ListEvent } from '../../../../src-main/core/resources/list-feed';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));
/**
 * Wait for a condition, not for a fixed time: on a loaded machine the event loop can stall, and timers
 * that expired together run in one go, so a fixed tick could end before the read it waits for.
 */
async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(2);
  }
}

function fixture(initial: { id: string; v: number }[]) {
  let data = initial;
  let reads = 0;
  let listening = 0;
  let fire: (() => void) | null = null;
  const feed = new ListFeed<{ id: string; v: number }>({
    fetch: async () => {
      reads++;
      await tick(1);
      return data;
    },
    key: (i) => i.id,
    listen: (changed) => {
      listening++;
      fire = changed;
      return () => {
        listening--;
        fire = null;
      };
    },
    coalesceMs: 5,
  });
  return {
    feed,
    set: (d: { id: string; v: number }[]) => (data = d),
    fire: () => fire?.(),
    get reads() {
      return reads;
    },
    get listening() {
      return listening;
    },
  };
}

describe('ListFeed', () => {
  it('sends a snapshot, then only what changed; a burst of events is one read', async () => {
    const f = fixture([{ id: 'a', v: 1 }, { id: 'b', v: 1 }]);
    const got: ListEvent<{ id: string; v: number }>[] = [];
    const off = f.feed.subscribe((e) => got.push(e));
    await until('the snapshot', () => got.length === 1);
    expect(got).toEqual([{ kind: 'snapshot', items: [{ id: 'a', v: 1 }, { id: 'b', v: 1 }] }]);
    f.set([{ id: 'a', v: 2 }, { id: 'c', v: 1 }]);
    for (let i = 0; i < 10; i++) f.fire();
    await until('the patch', () => got.length === 2);
    await tick(30);
    expect(f.reads).toBe(2);
    expect(got[1]).toEqual({ kind: 'patch', upserts: [{ id: 'a', v: 2 }, { id: 'c', v: 1 }], removed: ['b'] });
    // No change: nothing sent.
    f.fire();
    await until('the third read', () => f.reads === 3);
    await tick(30);
    expect(got).toHaveLength(2);
    // A late subscriber gets the current list at once, without a read.
    const late: unknown[] = [];
    const off2 = f.feed.subscribe((e) => late.push(e));
    expect(late).toEqual([{ kind: 'snapshot', items: [{ id: 'a', v: 2 }, { id: 'c', v: 1 }] }]);
    off();
    expect(f.listening).toBe(1);
    off2();
    expect(f.listening).toBe(0);
    expect(f.feed.subscriberCount).toBe(0);
  });

  it('an event during a read triggers one more read afterwards', async () => {
    const f = fixture([{ id: 'a', v: 1 }]);
    const got: ListEvent<{ id: string; v: number }>[] = [];
    f.feed.subscribe((e) => got.push(e));
    await tick(2); // first read in flight
    f.set([{ id: 'a', v: 3 }]);
    f.fire();
    await until('the list after the event', () => got.length > 0 && JSON.stringify(got.at(-1)).includes('"v":3'));
    const items = got.at(-1)!.kind === 'snapshot' ? (got.at(-1) as { items: unknown[] }).items : (got.at(-1) as { upserts: unknown[] }).upserts;
    expect(items).toEqual([{ id: 'a', v: 3 }]);
  });
});
