// What the TerminalService needs from whatever runs the process: a Docker exec or a local pty.

export interface TerminalExit {
  /** Null when the engine could not tell (e.g. the connection to it was lost). */
  code: number | null;
  /** For the user, e.g. "process exited with code 0", "container stopped". */
  reason: string;
}

export interface TerminalBackend {
  /** Keystrokes or pasted text. */
  write(data: string): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Hang up the session's processes, kill them if they linger; resolves once done or given up. */
  terminate(): Promise<void>;
  /** Output, already decoded (never a split UTF-8 sequence). */
  onData(listener: (chunk: string) => void): void;
  /** Called once when the process (or its container) ends, whatever the cause. */
  onExit(listener: (exit: TerminalExit) => void): void;
  /** Stop reading output for a moment (the process blocks on its writes): flow control for floods. */
  pause?(): void;
  resume?(): void;
}

export function exitReason(code: number | null, signal?: number | string | null): string {
  if (signal) return `process killed by signal ${signal}`;
  if (code === null) return 'process ended';
  return `process exited with code ${code}`;
}
