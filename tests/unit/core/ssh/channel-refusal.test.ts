// A refused SSH channel (RFC 4254 reason codes) says who refused and why, naming the socket.
import { describe, expect, it } from 'vitest';
import { channelRefusal } from '../../../../src-main/core/ssh/ssh-connector';

const failure = (reason: number | string, description: string): Error => Object.assign(new Error(`(SSH) Channel open failure: ${description}`), { reason });

describe('channelRefusal', () => {
  it('names the socket and the reason the server gave', () => {
    expect(channelRefusal(failure(1, 'administratively prohibited: open failed'), '/var/run/docker.sock').message).toBe(
      'the SSH server refused a channel to /var/run/docker.sock: administratively prohibited: the server does not allow forwarding to unix sockets (AllowStreamLocalForwarding), or one of its limits was reached (administratively prohibited: open failed)',
    );
    expect(channelRefusal(failure(2, 'connect failed: open failed'), '/run/user/1000/docker.sock').message).toMatch(/^the SSH server refused a channel to \/run\/user\/1000\/docker\.sock: connect failed: nothing accepts connections/);
    expect(channelRefusal(failure(4, 'resource shortage'), '/s').message).toMatch(/resource shortage: the server has no room for another channel/);
    expect(channelRefusal(failure('', 'server closed channel unexpectedly'), '/s').message).toBe('the SSH server refused a channel to /s: server closed channel unexpectedly');
  });

  it('keeps other errors as they are', () => {
    const e = Object.assign(new Error('the SSH connection is closed'), { code: 'ECONNRESET' });
    expect(channelRefusal(e, '/s')).toBe(e);
  });
});
