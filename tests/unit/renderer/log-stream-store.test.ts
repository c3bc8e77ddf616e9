// The log view's throttled change signal. React StrictMode (dev) runs every effect's cleanup once
// right after mounting, so the store is disposed while a frame is pending and then used again: it
// must keep notifying afterwards, or the log view never shows new lines.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogModel } from '../../../src-renderer/src/features/logs/log-model';

// Loaded by a path typed as a plain string: the module imports React, whose global stubs of DOM
// types would leak into this Node-typed program (tsconfig.node.json) and break the e2e files.
interface ModelStoreLike {
  subscribe(l: () => void): () => void;
  changed(): void;
  dispose(): void;
}
const { ModelStore } = (await import('../../../src-renderer/src/features/logs/use-log-stream' as string)) as { ModelStore: new (m: LogModel) => ModelStoreLike };

const g = globalThis as unknown as { requestAnimationFrame?: (cb: () => void) => number; cancelAnimationFrame?: (id: number) => void };

beforeEach(() => {
  // Frames as in a browser (Node has none): a cancelled frame never runs.
  g.requestAnimationFrame = (cb) => setTimeout(cb, 1) as unknown as number;
  g.cancelAnimationFrame = (id) => clearTimeout(id as unknown as NodeJS.Timeout);
});
afterEach(() => {
  delete g.requestAnimationFrame;
  delete g.cancelAnimationFrame;
});

describe('ModelStore', () => {
  it('still notifies after a dispose that cancelled a pending frame (StrictMode remount)', async () => {
    const store = new ModelStore(new LogModel(100));
    let notified = 0;
    store.subscribe(() => notified++);
    store.changed(); // the capacity effect on mount
    store.dispose(); // StrictMode's simulated unmount
    store.changed(); // the effects run again; then lines arrive
    await new Promise((r) => setTimeout(r, 20));
    expect(notified).toBe(1);
  });
});
