// Backpressure from a slow viewer back to the source. After a producer hands something to the
// sink it calls check(): if the connection is congested (the browser reads slower than the engine
// writes), the source is paused until the connection drains, so the data waits in the engine (a
// log file, a process blocked on its tty) instead of piling up in our memory. Nothing is dropped.

/** What a stream sink tells about the peer's pace (see StreamSink in rpc/dispatcher.ts). */
export interface FlowSignal {
  congested(): boolean;
  whenDrained(): Promise<void>;
}

export class SourceThrottle {
  private paused = false;
  private stopped = false;

  constructor(
    private readonly flow: FlowSignal,
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {}

  /** True while the source is held for the peer. */
  get holding(): boolean {
    return this.paused;
  }

  /** Call after sending: pauses the source while the peer is behind, resumes it on drain. */
  check(): void {
    if (this.paused || this.stopped || !this.flow.congested()) return;
    this.paused = true;
    this.pause();
    void this.flow.whenDrained().then(() => {
      this.paused = false;
      // whenDrained also settles on teardown; a stopped throttle leaves its source alone.
      if (!this.stopped) this.resume();
    });
  }

  stop(): void {
    this.stopped = true;
  }
}
