// Everything the bench starts or creates registers how to undo it here. The stack is unwound in
// reverse order on success, on failure, on Ctrl-C and when the global time limit hits, so a broken
// run never leaves containers, processes or a daemon behind.

type Undo = { what: string; fn: () => Promise<void> | void };

export class CleanupStack {
  private readonly stack: Undo[] = [];
  private running: Promise<void> | null = null;

  /** Register an undo step; returns a function that runs (and unregisters) just that step early. */
  push(what: string, fn: () => Promise<void> | void): () => Promise<void> {
    const entry: Undo = { what, fn };
    this.stack.push(entry);
    return async () => {
      const i = this.stack.indexOf(entry);
      if (i < 0) return;
      this.stack.splice(i, 1);
      await runStep(entry);
    };
  }

  /** Unwind everything (idempotent; concurrent callers wait for the same unwinding). */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.stack.length > 0) await runStep(this.stack.pop()!);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}

async function runStep(u: Undo): Promise<void> {
  try {
    await withTimeout(Promise.resolve().then(u.fn), 60_000, `cleanup: ${u.what}`);
  } catch (e) {
    // Keep unwinding: one failed step must not leave the others' resources behind.
    process.stderr.write(`bench: cleanup step "${u.what}" failed: ${(e as Error).message}\n`);
  }
}

/** Reject with a clear message when `p` takes longer than `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: gave up after ${Math.round(ms / 1000)} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** A time budget: loops ask it whether they may do one more round. */
export class Budget {
  private readonly end: number;
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    this.end = Date.now() + ms;
  }
  get left(): number {
    return this.end - Date.now();
  }
  get expired(): boolean {
    return this.left <= 0;
  }
}
