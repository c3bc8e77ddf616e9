// The SSH host form's logic: a draft ⇄ the contract's config and secret, checked with the contract's
// schema so the dialog names the same field the core would.
import { HostNameSchema, SshHostConfigSchema, type Host, type HostConfig, type HostSecret } from '@contract/index';

type FieldErrors = Partial<Record<string, string>>;
export type AuthMethod = 'auto' | 'agent' | 'key' | 'password';

export interface SshDraft {
  name: string;
  target: 'url' | 'alias';
  url: string;
  alias: string;
  auth: AuthMethod;
  keyPath: string;
  passphrase: string;
  password: string;
  socketPath: string;
  jump: string;
}

export const EMPTY_SSH: SshDraft = { name: '', target: 'url', url: '', alias: '', auth: 'auto', keyPath: '', passphrase: '', password: '', socketPath: '', jump: '' };

/** A draft from a saved ssh host (secrets are never sent back: their fields start empty). */
export function draftOf(host: Host): SshDraft {
  const c = host.config;
  if (!c || c.kind !== 'ssh') return { ...EMPTY_SSH, name: host.name };
  return {
    ...EMPTY_SSH,
    name: host.name,
    target: c.alias ? 'alias' : 'url',
    url: c.url ?? '',
    alias: c.alias ?? '',
    auth: c.auth.method,
    keyPath: c.auth.method === 'key' ? c.auth.keyPath : '',
    socketPath: c.socketPath ?? '',
    jump: (c.jump ?? []).join(', '),
  };
}

export function sshConfigOf(d: SshDraft): unknown {
  const opt = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());
  const jump = d.jump
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    kind: 'ssh',
    ...(d.target === 'alias' ? { alias: d.alias } : { url: d.url }),
    auth: d.auth === 'key' ? { method: 'key', keyPath: d.keyPath } : { method: d.auth },
    ...(d.target === 'url' && jump.length > 0 ? { jump } : {}),
    ...(opt(d.socketPath) ? { socketPath: opt(d.socketPath) } : {}),
  };
}

/** The secret to send: only what the chosen method uses, only when typed. */
export function secretOf(d: SshDraft): HostSecret | undefined {
  if (d.auth === 'password' && d.password !== '') return { password: d.password };
  if ((d.auth === 'key' || d.auth === 'auto') && d.passphrase !== '') return { passphrase: d.passphrase };
  return undefined;
}

/** Validate with the contract's schema; field → message (paths as the form names them). */
export function checkSsh(d: SshDraft, withName: boolean): { config?: HostConfig; name?: string; fields: FieldErrors } {
  const fields: FieldErrors = {};
  const c = SshHostConfigSchema.safeParse(sshConfigOf(d));
  if (!c.success) {
    for (const i of c.error.issues) {
      let key = i.path.join('.');
      if (key === 'auth.keyPath') key = 'keyPath';
      if (key.startsWith('jump')) key = 'jump';
      if (key === 'url' && d.target === 'alias') key = 'alias';
      fields[key] ??= i.message;
    }
  }
  let name: string | undefined;
  if (withName) {
    const n = HostNameSchema.safeParse(d.name);
    if (n.success) name = n.data;
    else fields.name = n.error.issues[0]?.message;
  }
  return { config: c.success ? c.data : undefined, name, fields };
}
