// docker-modem formats every request's options with util.inspect(options, {showHidden: true,
// depth: null}) for its debug log, whether that log is on or not (modem.js buildRequest). When the
// client has its own http.Agent (an SSH host's channel agent, a TLS host's keep-alive agent), the
// options carry that agent, and a full walk of it goes through its sockets into the ssh2 client, its
// channels and Node's timer lists (which link every other timer-holding object in the process): on
// one SSH host it was ~300 KB of text and ~100 ms of CPU per request, and it grew with every host
// added. An agent marked here prints as one short line instead.
import { inspect } from 'node:util';

/** Make `util.inspect(agent)` (at any depth, showHidden or not) a short constant line. */
export function withShortInspect<T extends object>(agent: T, label: string): T {
  Object.defineProperty(agent, inspect.custom, { value: () => `[${label}]`, enumerable: false });
  return agent;
}
