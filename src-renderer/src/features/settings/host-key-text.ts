// Host-key messages in OpenSSH's own words (what `ssh` prints for an unknown or a changed key).
import type { HostKeyInfo } from '@contract/index';

/** OpenSSH's name of a key type in its messages: ssh-ed25519 → ED25519, ecdsa-sha2-nistp256 → ECDSA… */
export function keyTypeLabel(keyType: string): string {
  const t = keyType.toLowerCase();
  if (t.includes('ed25519')) return 'ED25519';
  if (t.includes('ecdsa')) return 'ECDSA';
  if (t.includes('rsa')) return 'RSA';
  if (t.includes('dss')) return 'DSA';
  return keyType.toUpperCase();
}

/** How OpenSSH names a host in known_hosts and its messages: host, or [host]:port off port 22. */
export function knownHostsName(k: Pick<HostKeyInfo, 'host' | 'port'>): string {
  return k.port === 22 ? k.host : `[${k.host}]:${k.port}`;
}

/** The unknown-key question, as `ssh` asks it. */
export function unknownKeyText(k: HostKeyInfo): string {
  const n = knownHostsName(k);
  return `The authenticity of host '${n} (${n})' can't be established.\n${keyTypeLabel(k.keyType)} key fingerprint is ${k.fingerprint}.\nThis key is not known by any other names.`;
}

/** The changed-key refusal, as `ssh` prints it (WakeDock keeps its own known_hosts file too). */
export function changedKeyText(k: HostKeyInfo): string {
  const n = knownHostsName(k);
  const type = keyTypeLabel(k.keyType);
  return [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
    'It is also possible that a host key has just been changed.',
    `The fingerprint for the ${type} key sent by the remote host is`,
    `${k.fingerprint}.`,
    ...(k.knownFingerprint ? [`The key known for ${n} has the fingerprint`, `${k.knownFingerprint}.`] : []),
    'Please contact your system administrator.',
    `Host key for ${n} has changed and you have requested strict checking.`,
    'Host key verification failed.',
  ].join('\n');
}

export function removeKeyCommand(k: Pick<HostKeyInfo, 'host' | 'port'>): string {
  return `ssh-keygen -R "${knownHostsName(k)}"`;
}
