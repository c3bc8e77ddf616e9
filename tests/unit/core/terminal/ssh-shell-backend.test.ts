// The host shell's backend over a fake ssh2 channel: output decoding across split UTF-8, resize as a
// window change, exit code and signal, a hang-up on terminate, and "session ended" when the SSH
// connection drops (the channel never closes by itself then).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ClientChannel } from 'ssh2';
import type { TerminalExit } from '../../../../src-main/core/terminal/backend';
import { openSshShell, type SshShellOpener } from '../../../../src-main/core/terminal/ssh-shell-backend';

class FakeChannel extends EventEmitter {
  stderr = new EventEmitter();
  written: string[] = [];
  windows: [number, number][] = [];
  signals: string[] = [];
  closed = false;
  paused = false;
  write(d: string): boolean {
    this.written.push(d);
    return true;
  }
  setWindow(rows: number, cols: number): void {
    this.windows.push([rows, cols]);
  }
  signal(s: string): void {
    this.signals.push(s);
  }
  close(): void {
    this.closed = true;
    setImmediate(() => this.emit('close'));
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
}

function rig() {
  const ch = new FakeChannel();
  let lost: ((e: Error) => void) | null = null;
  const opened: { cols: number; rows: number; term: string }[] = [];
  const client: SshShellOpener = {
    shell: async (w) => {
      opened.push(w);
      return ch as unknown as ClientChannel;
    },
  };
  const onConnectionLost = (l: (e: Error) => void) => ((lost = l), () => (lost = null));
  return { ch, client, opened, onConnectionLost, lose: (e: Error) => lost?.(e), hasLostListener: () => lost !== null };
}

describe('SshShellBackend', () => {
  it('opens a pty with the size and TERM, decodes output split inside a UTF-8 sequence, writes and resizes', async () => {
    const r = rig();
    const b = await openSshShell(r.client, { cols: 100, rows: 30, hostName: 'build', onConnectionLost: r.onConnectionLost });
    expect(r.opened[0]).toMatchObject({ cols: 100, rows: 30, term: 'xterm-256color' });
    const out: string[] = [];
    const euro = Buffer.from('€ ok');
    r.ch.emit('data', euro.subarray(0, 2)); // before anyone listens: kept
    b.onData((s) => out.push(s));
    r.ch.emit('data', euro.subarray(2));
    r.ch.stderr.emit('data', Buffer.from('warn\n'));
    expect(out.join('')).toBe('€ okwarn\n');
    b.write('ls\r');
    expect(r.ch.written).toEqual(['ls\r']);
    await b.resize(120, 40);
    expect(r.ch.windows).toEqual([[40, 120]]);
    b.pause?.();
    expect(r.ch.paused).toBe(true);
    b.resume?.();
    expect(r.ch.paused).toBe(false);
  });

  it('reports the exit code (or the signal) when the shell ends', async () => {
    const r = rig();
    const b = await openSshShell(r.client, { cols: 80, rows: 24, hostName: 'h', onConnectionLost: r.onConnectionLost });
    const exits: TerminalExit[] = [];
    b.onExit((e) => exits.push(e));
    r.ch.emit('exit', 3);
    r.ch.emit('close');
    await new Promise((r2) => setImmediate(r2));
    expect(exits).toEqual([{ code: 3, reason: 'process exited with code 3' }]);
    expect(r.hasLostListener()).toBe(false);

    const r2 = rig();
    const b2 = await openSshShell(r2.client, { cols: 80, rows: 24, hostName: 'h', onConnectionLost: r2.onConnectionLost });
    const e2: TerminalExit[] = [];
    b2.onExit((e) => e2.push(e));
    r2.ch.emit('exit', null, 'KILL');
    r2.ch.emit('close');
    await new Promise((res) => setImmediate(res));
    expect(e2[0]).toEqual({ code: null, reason: 'process killed by signal KILL' });
  });

  it('says the session ended when the SSH connection is lost, and ignores input afterwards', async () => {
    const r = rig();
    const b = await openSshShell(r.client, { cols: 80, rows: 24, hostName: 'build-1', onConnectionLost: r.onConnectionLost });
    const exits: TerminalExit[] = [];
    b.onExit((e) => exits.push(e));
    r.lose(new Error('read ECONNRESET'));
    expect(exits).toEqual([{ code: null, reason: 'session ended: the SSH connection to build-1 was lost (read ECONNRESET)' }]);
    b.write('x');
    expect(r.ch.written).toEqual([]);
    await b.terminate(); // nothing to hang up, returns at once
    expect(r.ch.signals).toEqual([]);
  });

  it('terminate hangs up the shell and closes the channel', async () => {
    const r = rig();
    const b = await openSshShell(r.client, { cols: 80, rows: 24, hostName: 'h', onConnectionLost: r.onConnectionLost });
    const exits: TerminalExit[] = [];
    b.onExit((e) => exits.push(e));
    await b.terminate();
    expect(r.ch.signals).toEqual(['HUP']);
    expect(r.ch.closed).toBe(true);
    expect(exits).toHaveLength(1);
  });

  it('a refused shell request rejects (no session is kept)', async () => {
    const client: SshShellOpener = { shell: () => Promise.reject(new Error('Unable to open shell')) };
    await expect(openSshShell(client, { cols: 80, rows: 24, hostName: 'h', onConnectionLost: () => () => {} })).rejects.toThrow('Unable to open shell');
  });
});
