import { describe, expect, it } from 'vitest';
import { Scrollback, cutStart } from '../../../../src-main/core/terminal/scrollback';
import { splitCommandLine } from '../../../../src-main/core/terminal/command-line';
import { TerminalOpenInputSchema } from '../../../../src-main/contract/procedures/terminal';

describe('Scrollback (bounded ring of terminal output)', () => {
  it('keeps everything under the limit, in order', () => {
    const r = new Scrollback(100);
    r.append('hello ');
    r.append('world');
    expect(r.toString()).toBe('hello world');
    expect(r.length).toBe(11);
  });

  it('drops the oldest output past the limit and never exceeds it', () => {
    const r = new Scrollback(50);
    for (let i = 0; i < 100; i++) r.append(`${String(i).padStart(3, '0')}|`);
    expect(r.length).toBeLessThanOrEqual(50);
    const s = r.toString();
    expect(s.endsWith('099|')).toBe(true);
    expect(s).not.toContain('000|');
    // What is kept is a contiguous tail of what was written.
    const all = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}|`).join('');
    expect(all.endsWith(s)).toBe(true);
  });

  it('prefers to cut at a line break so the replay starts on a fresh line', () => {
    const r = new Scrollback(20);
    r.append('aaaaaaaaaa\nbbbbbbbbbb\ncccc');
    expect(r.toString()).toBe('bbbbbbbbbb\ncccc');
  });

  it('keeps only the tail of a single chunk larger than the limit', () => {
    const r = new Scrollback(10);
    r.append('x'.repeat(25) + '0123456789');
    expect(r.toString()).toBe('0123456789');
  });

  it('never leaves half a surrogate pair at the start', () => {
    const s = 'ab😀cd'; // 😀 is two UTF-16 code units at index 2-3
    expect(cutStart(s, 3)).toBe('cd');
    expect(cutStart(s, 2)).toBe('😀cd');
  });

  it('stays bounded over many small appends (memory does not grow with output)', () => {
    const r = new Scrollback(1024);
    for (let i = 0; i < 100_000; i++) r.append('line of output\r\n');
    expect(r.length).toBeLessThanOrEqual(1024);
    expect(r.toString().length).toBe(r.length);
  });
});

describe('splitCommandLine', () => {
  it('splits on whitespace and keeps quoted parts together', () => {
    expect(splitCommandLine('bash -l')).toEqual(['bash', '-l']);
    expect(splitCommandLine(`sh -c 'echo a  b; ls'`)).toEqual(['sh', '-c', 'echo a  b; ls']);
    expect(splitCommandLine('sh -c "say \\"hi\\""')).toEqual(['sh', '-c', 'say "hi"']);
    expect(splitCommandLine('a\\ b c')).toEqual(['a b', 'c']);
    expect(splitCommandLine(`x ''`)).toEqual(['x', '']);
  });

  it('refuses an unbalanced quote', () => {
    expect(() => splitCommandLine(`sh -c 'oops`)).toThrow(/unbalanced/);
  });
});

describe('terminal.open input', () => {
  const fieldOf = (input: unknown): string | undefined => {
    const r = TerminalOpenInputSchema.safeParse(input);
    return r.success ? undefined : r.error.issues.map((i) => i.path.join('.')).join(',');
  };

  it('a container terminal needs hostId and id; defaults fill the size', () => {
    expect(TerminalOpenInputSchema.parse({ hostId: 'local', id: 'web' })).toEqual({ target: 'container', hostId: 'local', id: 'web', cols: 80, rows: 24 });
    expect(fieldOf({ target: 'container', hostId: 'local' })).toBe('id');
    expect(fieldOf({ target: 'container', id: 'web' })).toBe('hostId');
  });

  it('a host terminal takes no container fields', () => {
    expect(TerminalOpenInputSchema.parse({ target: 'host' })).toMatchObject({ target: 'host', cols: 80, rows: 24 });
    expect(fieldOf({ target: 'host', user: 'root' })).toBe('user');
  });

  it('a shell on an SSH host (host + hostId) takes only the size', () => {
    expect(TerminalOpenInputSchema.parse({ target: 'host', hostId: 'ssh-ab12' })).toEqual({ target: 'host', hostId: 'ssh-ab12', cols: 80, rows: 24 });
    expect(fieldOf({ target: 'host', hostId: 'ssh-ab12', command: 'top' })).toBe('command');
    expect(fieldOf({ target: 'host', hostId: 'ssh-ab12', workdir: '/tmp' })).toBe('workdir');
    expect(fieldOf({ target: 'host', hostId: 'ssh-ab12', id: 'web' })).toBe('id');
  });

  it('checks user, workdir and size like docker exec does', () => {
    expect(fieldOf({ hostId: 'local', id: 'web', user: '1000:1000' })).toBeUndefined();
    expect(fieldOf({ hostId: 'local', id: 'web', user: 'root; rm -rf /' })).toBe('user');
    expect(fieldOf({ hostId: 'local', id: 'web', workdir: 'relative' })).toBe('workdir');
    expect(fieldOf({ hostId: 'local', id: 'web', cols: 0 })).toBe('cols');
    expect(fieldOf({ hostId: 'local', id: 'web', rows: 9999 })).toBe('rows');
  });
});
