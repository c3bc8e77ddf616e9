// Reading a small file on an SSH host over its live connection (`cat` in an exec channel, so a server
// without the sftp subsystem works too). Bounded: a file over the limit is refused, not truncated.
import type { Duplex } from 'node:stream';

/** An exec channel: stdout is the stream itself, stderr beside it, the exit code on 'exit'/'close'. */
export type ExecChannel = Duplex & { stderr: NodeJS.ReadableStream };
export type Exec = (command: string) => Promise<ExecChannel>;

/** A POSIX shell word for any path. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export class RemoteFileError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** The file's bytes, null when it does not exist; throws RemoteFileError when it cannot be read or is over maxBytes. */
export async function readRemoteFile(exec: Exec, path: string, maxBytes: number, timeoutMs = 15_000): Promise<Buffer | null> {
  const ch = await exec(`cat -- ${shellQuote(path)}`);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let code: number | null = null;
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      ch.destroy();
      done(() => reject(new RemoteFileError(`reading ${path} on the server took over ${timeoutMs / 1000} s`, path)));
    }, timeoutMs);
    ch.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxBytes) {
        ch.destroy();
        done(() => reject(new RemoteFileError(`${path} on the server is larger than ${Math.round(maxBytes / 1024)} KiB`, path)));
        return;
      }
      chunks.push(d);
    });
    ch.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4096)));
    let signal: string | undefined;
    ch.on('exit', (c: number | null, sig?: string) => ((code = c), (signal = sig)));
    ch.on('error', (e: Error) => done(() => reject(new RemoteFileError(`reading ${path} on the server: ${e.message}`, path))));
    ch.on('close', () =>
      done(() => {
        if (code === 0) return resolve(Buffer.concat(chunks));
        if (/no such file/i.test(stderr)) return resolve(null);
        reject(new RemoteFileError(`reading ${path} on the server: ${stderr.trim() || (code !== null ? `cat exited with ${code}` : signal ? `cat was killed (${signal})` : 'the channel closed without an exit status')}`, path));
      }),
    );
  });
}
