// The whole log of a container as text, streamed (never buffered): used by the serve-mode HTTP
// route and by the desktop "save to file" command. Same parser as the live view, so stdout and
// stderr are demuxed and invalid UTF-8 becomes U+FFFD the same way.
import type Dockerode from 'dockerode';
import type { Writable } from 'node:stream';
import { openLogStream } from './engine-logs';
import { inspectForLogs, type LogTarget } from './follower';
import { LogParser } from './log-parser';

export interface LogTextOptions {
  timestamps: boolean;
  signal?: AbortSignal;
  /** Already inspected (saves a request). */
  target?: LogTarget;
}

/** A file name for the download: <container>-<date>.log */
export function logFileName(name: string, now = new Date()): string {
  const safe = name.replace(/[^a-zA-Z0-9_.-]/g, '_') || 'container';
  return `${safe}-${now.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '')}.log`;
}

/** Write the log to `out` as "<timestamp> <text>\n" lines; resolves with the bytes written. Does not end `out`. */
export async function writeLogText(docker: Dockerode, id: string, out: Writable, opts: LogTextOptions): Promise<number> {
  const target = opts.target ?? (await inspectForLogs(docker, id));
  const stream = await openLogStream(docker, target.id, { follow: false, tail: 'all' }, opts.signal);
  let bytes = 0;
  let buf = '';
  const parser = new LogParser({
    tty: target.tty,
    onLine: (l) => {
      buf += opts.timestamps && l.tsRaw ? `${l.tsRaw} ${l.text}\n` : `${l.text}\n`;
    },
  });
  return new Promise<number>((resolve, reject) => {
    const drain = (): boolean => {
      if (!buf) return true;
      const chunk = buf;
      buf = '';
      bytes += Buffer.byteLength(chunk);
      return out.write(chunk);
    };
    stream.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      // Respect the writer's backpressure: pause the engine until the socket or file drains.
      if (!drain()) {
        stream.pause();
        out.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => {
      parser.end();
      drain();
      resolve(bytes);
    });
    stream.on('error', reject);
    out.on('error', (e) => {
      stream.destroy();
      reject(e);
    });
    out.on('close', () => {
      // The reader went away (client disconnected, file closed): stop reading the engine and settle,
      // so the caller is not left waiting on a stream that will never end.
      stream.destroy();
      resolve(bytes);
    });
  });
}
