// Spawned-process timing and /proc readings.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Timed {
  ms: number;
  stdout: string;
}

/** Run a program to completion and time it from spawn to exit (what a script calling it pays). */
export function timedExec(bin: string, args: string[], timeoutMs = 30_000): Promise<Timed> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const ms = performance.now() - t0;
      if (err) fail(new Error(`${bin} ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`));
      else ok({ ms, stdout });
    });
  });
}

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime + stime of a process, in ms. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 14/15 of stat (1-based) are utime/stime; here the list starts at field 3 (state).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond();
}

/** A /proc/<pid>/status figure in MiB (VmRSS, VmHWM…). */
export function statusMiB(pid: number, key: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`/proc/${pid}/status has no ${key}`);
  return Number(m[1]) / 1024;
}

/** Number of threads of a process. */
export function threads(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
}
