// docker-modem runs util.inspect(options, {showHidden: true, depth: null}) on every request, and the
// options carry the client's own agent: a marked agent prints as one short line however much it holds.
import { Agent as HttpsAgent } from 'node:https';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { withShortInspect } from '../../../../src-main/core/engine/agent-inspect';

describe('withShortInspect', () => {
  it('an agent in request options prints as its label, not its sockets and pools', () => {
    const plain = new HttpsAgent({ keepAlive: true });
    const marked = withShortInspect(new HttpsAgent({ keepAlive: true }), 'https agent example:2376');
    const opts = (agent: HttpsAgent) => ({ path: '/v1.41/containers/json?all=1', method: 'GET', headers: {}, agent });
    const full = inspect(opts(plain), { showHidden: true, depth: null });
    const short = inspect(opts(marked), { showHidden: true, depth: null });
    expect(short).toContain('[https agent example:2376]');
    expect(short).not.toContain('freeSockets');
    expect(full).toContain('freeSockets');
    expect(short.length).toBeLessThan(400);
    // Still an agent in every other respect.
    expect(marked).toBeInstanceOf(HttpsAgent);
    expect(Object.keys(marked)).toEqual(Object.keys(plain));
    plain.destroy();
    marked.destroy();
  });
});
