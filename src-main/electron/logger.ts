// The desktop shell's logger: timestamped lines on stderr (visible when started from a terminal).
import type { Logger } from '../contract/handlers';

function line(level: string, msg: string, extra: unknown): string {
  const detail = extra === undefined ? '' : extra instanceof Error ? `: ${extra.stack ?? extra.message}` : `: ${String(extra)}`;
  return `[${new Date().toISOString()}] ${level} ${msg}${detail}\n`;
}

export function consoleLogger(): Logger {
  return {
    info: (msg, extra) => process.stderr.write(line('info', msg, extra)),
    warn: (msg, extra) => process.stderr.write(line('warn', msg, extra)),
    error: (msg, extra) => process.stderr.write(line('error', msg, extra)),
  };
}
