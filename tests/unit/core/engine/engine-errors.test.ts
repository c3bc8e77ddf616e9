// dockerode / socket errors → contract error codes. The error objects below are shaped exactly as
// docker-modem 5 builds them (message "(HTTP code N) <reason|unexpected> - <engine message> ",
// statusCode, reason, json), as captured from a real Docker 20.10.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RpcError } from '../../../../src-main/contract';
import { engineError, engineMessage, engineReason, engineStreamError, mapEngineError } from '../../../../src-main/core/engine/engine-errors';

/** What docker-modem throws for a non-2xx answer. */
function modemError(statusCode: number, engineMsg: string | null, reason?: string): Error & Record<string, unknown> {
  // docker-modem: json = parseJSON(body) || buffer; an empty body gives an empty Buffer.
  const json: unknown = engineMsg === null ? Buffer.alloc(0) : { message: engineMsg };
  const text = engineMsg ?? '';
  const e = new Error(`(HTTP code ${statusCode}) ${reason ?? 'unexpected'} - ${text} `) as Error & Record<string, unknown>;
  e.reason = reason;
  e.statusCode = statusCode;
  e.json = json;
  return e;
}

function sysError(code: string, syscall = 'connect', address = '/var/run/docker.sock'): NodeJS.ErrnoException {
  const e = new Error(`${syscall} ${code} ${address}`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = syscall;
  return e;
}

describe('mapEngineError: HTTP status from the engine', () => {
  it.each([
    [404, 'No such container: nope', 'no such container', 'NOT_FOUND'],
    [409, 'Conflict. The container name "/web" is already in use by container "abc". You have to remove (or rename) that container to be able to reuse that name.', undefined, 'CONFLICT'],
    [409, 'You cannot remove a running container abc. Stop the container before attempting removal or force remove', undefined, 'CONFLICT'],
    [400, 'invalid signal: SIGFOO', 'bad parameter', 'VALIDATION'],
    [500, 'something broke in the daemon', 'server error', 'INTERNAL'],
  ] as const)('%i "%s" → %s with the engine message', (status, msg, reason, code) => {
    const got = mapEngineError(modemError(status, msg, reason));
    expect(got.code).toBe(code);
    expect(got.message).toBe(msg);
    expect(got.message).not.toMatch(/HTTP code/);
  });

  it('a 500 is retryable INTERNAL, a 404/409/400 is not retryable', () => {
    expect(mapEngineError(modemError(500, 'boom', 'server error')).retryable).toBe(true);
    for (const s of [404, 409, 400]) expect(mapEngineError(modemError(s, 'x')).retryable).toBe(false);
  });

  it('"port is already allocated" in a 500 is a CONFLICT, with the engine message', () => {
    const msg =
      'driver failed programming external connectivity on endpoint web (abc): Bind for 0.0.0.0:8080 failed: port is already allocated';
    const got = mapEngineError(modemError(500, msg, 'server error'));
    expect(got).toEqual({ code: 'CONFLICT', reason: 'PORT_IN_USE', message: msg, detail: msg, retryable: false, hint: expect.stringMatching(/another host port/) });
  });

  it('a state refusal the engine sends as 500 is a CONFLICT with its reason, not an INTERNAL fault', () => {
    const msg = 'Cannot kill container: abc: Container abc is not running';
    const got = mapEngineError(modemError(500, msg, 'server error'));
    expect(got).toMatchObject({ code: 'CONFLICT', reason: 'CONTAINER_NOT_RUNNING', message: msg, retryable: false });
  });

  it('"address already in use" in a 500 is a CONFLICT', () => {
    const msg = 'Error starting userland proxy: listen tcp4 0.0.0.0:80: bind: address already in use';
    expect(mapEngineError(modemError(500, msg, 'server error')).code).toBe('CONFLICT');
  });

  it('a 304 (already started / already stopped) is a CONFLICT whose message says what happened', () => {
    // The engine sends an empty body for 304, so the only words are docker-modem's reason.
    for (const reason of ['container already started', 'container already stopped']) {
      const got = mapEngineError(modemError(304, null, reason));
      expect(got.code).toBe('CONFLICT');
      expect(got.retryable).toBe(false);
      expect(got.message).toMatch(/already (started|stopped)/);
    }
  });

  it('never echoes a body that is not the engine\'s JSON (another server answered)', () => {
    const e = modemError(500, 'x', 'server error');
    e.json = '<html>page not found; session=abc123</html>';
    e.message = '(HTTP code 500) server error - <html>page not found; session=abc123</html> ';
    const m = mapEngineError(e).message;
    expect(m).toBe('HTTP 500 from a server that does not answer like a Docker engine (its answer is not shown)');
    expect(m).not.toContain('abc123');
  });
});

describe('mapEngineError: the engine cannot be reached', () => {
  it.each(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'])('%s → ENGINE_UNREACHABLE, retryable, with a hint', (code) => {
    const got = mapEngineError(sysError(code));
    expect(got.code).toBe('ENGINE_UNREACHABLE');
    expect(got.retryable).toBe(true);
    expect(got.hint).toBeTruthy();
    expect(got.message).toContain(code);
  });

  it('the hint says what to do for EACCES (docker group) and ENOENT (is Docker running)', () => {
    expect(mapEngineError(sysError('EACCES')).hint).toMatch(/docker" group/);
    expect(mapEngineError(sysError('ENOENT')).hint).toMatch(/Is Docker running/);
    expect(mapEngineError(sysError('ECONNREFUSED')).hint).toMatch(/Is Docker running/);
  });
});

describe('mapEngineError: everything else', () => {
  it('an RpcError passes through unchanged', () => {
    const e = RpcError.from('NOT_FOUND', 'No host "x"', { hint: 'add it first', field: 'hostId' });
    expect(mapEngineError(e)).toEqual({ code: 'NOT_FOUND', message: 'No host "x"', retryable: false, hint: 'add it first', field: 'hostId' });
    const withReason = RpcError.from('CONFLICT', 'busy', { reason: 'LIMIT_REACHED', detail: 'raw' });
    expect(mapEngineError(withReason)).toEqual({ code: 'CONFLICT', reason: 'LIMIT_REACHED', message: 'busy', detail: 'raw', retryable: false });
  });

  it('a ZodError becomes VALIDATION with the field', () => {
    const r = z.object({ timeout: z.number() }).safeParse({ timeout: 'x' });
    expect(r.success).toBe(false);
    const got = mapEngineError(r.error);
    expect(got.code).toBe('VALIDATION');
    expect(got.reason).toBe('INVALID_INPUT');
    expect(got.field).toBe('timeout');
    // The schema's words for the field alone, so a form shows them without parsing `message`.
    expect(got.detail).toBe(r.error!.issues[0]!.message);
    expect(got.message.endsWith(got.detail!)).toBe(true);
  });

  it('an abort becomes CANCELLED', () => {
    const e = new Error('The operation was aborted');
    e.name = 'AbortError';
    expect(mapEngineError(e).code).toBe('CANCELLED');
  });

  it.each([
    [new Error('weird'), 'weird'],
    [new TypeError('cannot read x of undefined'), 'cannot read x of undefined'],
    ['a string', 'a string'],
    [undefined, 'undefined'],
    [null, 'null'],
  ])('unknown %j → INTERNAL, not retryable', (e, message) => {
    expect(mapEngineError(e)).toEqual({ code: 'INTERNAL', message, retryable: false });
  });
});

describe('engineMessage', () => {
  it.each([
    ['(HTTP code 409) unexpected - You cannot remove a running container abc ', 'You cannot remove a running container abc'],
    ['(HTTP code 404) no such container - No such container: x ', 'No such container: x'],
    // An engine message that itself contains " - " keeps it.
    ['(HTTP code 500) server error - failed - twice ', 'failed - twice'],
    ['(HTTP code 400) bad parameter - line 1\nline 2 ', 'line 1\nline 2'],
    ['no prefix at all', 'no prefix at all'],
  ])('%j → %j', (message, want) => {
    expect(engineMessage({ message })).toBe(want);
  });

  it('prefers json.message when present', () => {
    expect(engineMessage({ message: '(HTTP code 409) unexpected - ignored ', json: { message: 'from json' } })).toBe('from json');
  });

  it('falls back to the reason when the engine said nothing (empty 304 body)', () => {
    expect(engineMessage({ message: '(HTTP code 304) container already started -  ', reason: 'container already started', json: null })).toBe('container already started');
  });
});

describe('reasons: a closed sub-code and the raw engine text as data', () => {
  // Engine texts as Docker 20.10 sends them (status, message).
  it.each([
    [500, 'driver failed programming external connectivity on endpoint web (abc): Bind for 0.0.0.0:8080 failed: port is already allocated', 'CONFLICT', 'PORT_IN_USE'],
    [409, 'Conflict. The container name "/web" is already in use by container "abc". You have to remove (or rename) that container to be able to reuse that name.', 'CONFLICT', 'NAME_IN_USE'],
    [404, 'No such image: nope:latest', 'NOT_FOUND', 'IMAGE_NOT_FOUND'],
    [404, 'No such container: nope', 'NOT_FOUND', 'CONTAINER_NOT_FOUND'],
    [404, 'network nope not found', 'NOT_FOUND', 'NETWORK_NOT_FOUND'],
    [404, 'get nope: no such volume', 'NOT_FOUND', 'VOLUME_NOT_FOUND'],
    [409, 'Container abc is not running', 'CONFLICT', 'CONTAINER_NOT_RUNNING'],
    [409, 'Container abc is paused, unpause the container before stopping or killing', 'CONFLICT', 'CONTAINER_PAUSED'],
    [409, 'You cannot remove a running container abc. Stop the container before attempting removal or force remove', 'CONFLICT', 'CONTAINER_RUNNING'],
    [409, 'conflict: unable to delete 0123456789ab (cannot be forced) - image is being used by running container abc', 'CONFLICT', 'IN_USE'],
    [409, 'remove data: volume is in use - [abc]', 'CONFLICT', 'IN_USE'],
    [400, 'invalid signal: SIGFOO', 'VALIDATION', 'ENGINE_REFUSED_INPUT'],
  ] as const)('%i "%s" → %s / %s, detail = the engine text', (status, msg, code, reason) => {
    const got = mapEngineError(modemError(status, msg));
    expect(got).toMatchObject({ code, reason, detail: msg, message: msg });
  });

  it('a 304 is ALREADY_IN_STATE', () => {
    expect(mapEngineError(modemError(304, null, 'container already started')).reason).toBe('ALREADY_IN_STATE');
  });

  it('an unknown engine failure has no reason (nothing finer is known) and stays retryable on 5xx', () => {
    const got = mapEngineError(modemError(500, 'something broke in the daemon', 'server error'));
    expect(got.reason).toBeUndefined();
    expect(got.retryable).toBe(true);
  });

  it.each([
    ['ENOENT', 'SOCKET_MISSING'],
    ['EACCES', 'SOCKET_PERMISSION'],
    ['ECONNREFUSED', 'CONNECTION_LOST'],
    ['ECONNRESET', 'CONNECTION_LOST'],
    ['EPIPE', 'CONNECTION_LOST'],
    ['ETIMEDOUT', 'TIMEOUT'],
    ['EHOSTUNREACH', 'HOST_UNREACHABLE'],
    ['ENOTFOUND', 'HOST_UNREACHABLE'],
  ])('socket %s → ENGINE_UNREACHABLE / %s, the errno text as detail', (errno, reason) => {
    const got = mapEngineError(sysError(errno));
    expect(got).toMatchObject({ code: 'ENGINE_UNREACHABLE', reason, detail: `connect ${errno} /var/run/docker.sock` });
  });

  it('engineError keeps code, reason and raw detail under WakeDock\'s context', () => {
    const msg = 'Bind for 0.0.0.0:8080 failed: port is already allocated';
    const e = engineError(modemError(500, msg, 'server error'), { context: 'The container was created but could not start, so it was removed' });
    expect(e).toBeInstanceOf(RpcError);
    expect(e.toData()).toMatchObject({ code: 'CONFLICT', reason: 'PORT_IN_USE', detail: msg, message: `The container was created but could not start, so it was removed: ${msg}` });
    const rolled = engineError(modemError(409, 'Container abc is not running'), { context: 'Could not stop the old container', after: 'The old container was left as it was.' });
    expect(rolled.message).toBe('Could not stop the old container: Container abc is not running. The old container was left as it was.');
    expect(rolled.reason).toBe('CONTAINER_NOT_RUNNING');
  });

  it('a pull failure reported inside the progress stream is classified from its text', () => {
    const e = engineStreamError('manifest for wakedock-test/nope:latest not found: manifest unknown: manifest unknown');
    expect(e.toData()).toMatchObject({ code: 'NOT_FOUND', reason: 'IMAGE_NOT_FOUND' });
    expect(engineStreamError('unexpected EOF').toData()).toMatchObject({ code: 'INTERNAL', message: 'unexpected EOF' });
    expect(engineStreamError('unexpected EOF').reason).toBeUndefined();
  });

  it('engineReason reads texts only where the status is too coarse', () => {
    expect(engineReason(500, 'listen tcp4 0.0.0.0:80: bind: address already in use')).toBe('PORT_IN_USE');
    expect(engineReason(500, 'boom')).toBeUndefined();
  });
});
