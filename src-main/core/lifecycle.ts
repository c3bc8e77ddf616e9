// The core's services and their lifecycle. Each service is built with its dependencies (nothing
// runs in a constructor), started in dependency order, and disposed in reverse order with every
// dispose awaited — so a shutdown hangs up exec shells while the engine connection still exists,
// and the last alert write reaches the disk before the process exits.
import type { Logger } from '../contract/handlers';

export interface Service {
  /** Begin work: subscriptions, timers, connections. Called once, after every dependency started. */
  start?(): void | Promise<void>;
  /** Stop all work and release resources; resolves when it is done (writes flushed, processes hung up). */
  dispose(): Promise<void>;
}

/** Services started in the order they were added and disposed in reverse. */
export class ServiceSet {
  private readonly services: { name: string; svc: Service }[] = [];
  private started = 0;
  private disposing: Promise<void> | null = null;

  constructor(
    private readonly logger: Logger,
    /** A dispose that takes longer is reported and left behind (the next one still runs). */
    private readonly disposeTimeoutMs = 10_000,
  ) {}

  add<S extends Service>(name: string, svc: S): S {
    if (this.disposing) throw new Error(`core: cannot add service "${name}" while shutting down`);
    this.services.push({ name, svc });
    return svc;
  }

  get names(): string[] {
    return this.services.map((s) => s.name);
  }

  async startAll(): Promise<void> {
    for (; this.started < this.services.length; this.started++) {
      const { name, svc } = this.services[this.started]!;
      try {
        await svc.start?.();
      } catch (e) {
        this.logger.error(`core: service "${name}" failed to start`, e);
        throw e;
      }
    }
  }

  /** Idempotent: a second call waits for the first. */
  disposeAll(): Promise<void> {
    this.disposing ??= this.run();
    return this.disposing;
  }

  private async run(): Promise<void> {
    for (const { name, svc } of [...this.services].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.disposeTimeoutMs);
        timer.unref?.();
      });
      try {
        const r = await Promise.race([svc.dispose().then(() => 'done' as const), timeout]);
        if (r === 'timeout') this.logger.warn(`core: service "${name}" did not finish disposing within ${this.disposeTimeoutMs} ms`);
      } catch (e) {
        this.logger.warn(`core: service "${name}" failed to dispose`, e);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
