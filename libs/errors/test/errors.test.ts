import {
  BadGatewayError, BadRequestError, ConflictError, ForbiddenError, GatewayTimeoutError, InsufficientStorageError, NotFoundError,
  NotImplementedError, OcopeaError, PayloadTooLargeError, RangeNotSatisfiableError, UnauthorizedError, UnavailableError, UpstreamError,
  redactCapabilities,
} from '../src';

// The service kit answers `{code: status, message, reason}` from these fields, so each class's status and reason
// are the wire contract (specs' error bodies), not decoration.
describe('error classes', () => {
  it.each([
    { Cls: BadRequestError, status: 400, reason: 'bad_request' },
    { Cls: UnauthorizedError, status: 401, reason: 'unauthorized' },
    { Cls: ForbiddenError, status: 403, reason: 'forbidden' },
    { Cls: NotFoundError, status: 404, reason: 'not_found' },
    { Cls: ConflictError, status: 409, reason: 'conflict' },
    { Cls: PayloadTooLargeError, status: 413, reason: 'payload_too_large' },
    { Cls: RangeNotSatisfiableError, status: 416, reason: 'range_not_satisfiable' },
    { Cls: NotImplementedError, status: 501, reason: 'not_implemented' },
    { Cls: BadGatewayError, status: 502, reason: 'bad_gateway' },
    { Cls: UnavailableError, status: 503, reason: 'unavailable' },
    { Cls: GatewayTimeoutError, status: 504, reason: 'timeout' },
    { Cls: InsufficientStorageError, status: 507, reason: 'insufficient_storage' },
  ])('$Cls.name answers $status with reason $reason', ({ Cls, status, reason }) => {
    const err = new Cls('what went wrong');
    expect(err).toBeInstanceOf(OcopeaError);
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(status);
    expect(err.reason).toBe(reason);
    expect(err.message).toBe('what went wrong');
    expect(err.name).toBe(Cls.name); // logs and stack traces say which class, not just "Error"
    expect(err.details).toBeUndefined();
    expect('cause' in err).toBe(false);
  });

  it('keeps the cause it wraps and the details it may show', () => {
    const cause = new Error('ECONNREFUSED');
    const err = new ConflictError('broker in use', { cause, details: { broker: 'b1' } });
    expect(err.cause).toBe(cause);
    expect(err.details).toEqual({ broker: 'b1' });
    // A falsy cause is still a cause.
    expect(new BadRequestError('x', { cause: 0 }).cause).toBe(0);
  });

  it('an explicitly undefined cause adds no `cause` property (nothing to log as "caused by")', () => {
    const err = new NotFoundError('gone', { cause: undefined, details: { id: 'a' } });
    expect(Object.prototype.hasOwnProperty.call(err, 'cause')).toBe(false);
    expect(err.details).toEqual({ id: 'a' });
  });

  it('a subclass of OcopeaError of our own carries its own name, status and reason', () => {
    class TeapotError extends OcopeaError { constructor() { super(418, 'teapot', 'short and stout'); } }
    const err = new TeapotError();
    expect(err).toMatchObject({ name: 'TeapotError', status: 418, reason: 'teapot', message: 'short and stout' });
    expect(err.stack).toContain('TeapotError');
  });
});

describe('UnauthorizedError', () => {
  it('says whether a credential was sent (WWW-Authenticate then adds error="invalid_token"), no by default', () => {
    expect(new UnauthorizedError('no credential').credentialSent).toBe(false);
    expect(new UnauthorizedError('no credential', {}).credentialSent).toBe(false);
    expect(new UnauthorizedError('bad token', { credentialSent: true }).credentialSent).toBe(true);
    const cause = new Error('jwt expired');
    expect(new UnauthorizedError('bad token', { credentialSent: true, cause })).toMatchObject({ status: 401, cause });
  });
});

describe('redactCapabilities', () => {
  it('hides every capability path segment, and nothing else', () => {
    expect(redactCapabilities('http://crb:8082/crb/cap/eyJhbGciOi.x-y_z/copies/c1')).toBe('http://crb:8082/crb/cap/***/copies/c1');
    expect(redactCapabilities('GET /crb/cap/tok1?x=1 then /crb/cap/tok2#f and "/cap/tok3" \'/cap/tok4\' /cap/tok5 end'))
      .toBe('GET /crb/cap/***?x=1 then /crb/cap/***#f and "/cap/***" \'/cap/***\' /cap/*** end');
    expect(redactCapabilities('http://crb/crb/copies/c1/capacity /capx/y')).toBe('http://crb/crb/copies/c1/capacity /capx/y');
    expect(redactCapabilities('/cap/')).toBe('/cap/');
  });
});

describe('UpstreamError', () => {
  it('never keeps a capability from the peer\'s URL or message', () => {
    const err = new UpstreamError('http://crb:8082/crb/cap/secret-token/copies/c1', 'GET http://crb:8082/crb/cap/secret-token/copies/c1 answered 500', { upstreamStatus: 500 });
    expect(err.url).toBe('http://crb:8082/crb/cap/***/copies/c1');
    expect(err.message).toBe('GET http://crb:8082/crb/cap/***/copies/c1 answered 500');
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('secret-token');
  });

  const url = 'http://dsb.example:8083/dsb';

  it('a peer that answered badly is a 502 bad_gateway, with what the peer said', () => {
    const err = new UpstreamError(url, 'dsb answered 500', { upstreamStatus: 500, upstreamReason: 'internal' });
    expect(err).toBeInstanceOf(OcopeaError);
    expect(err).toMatchObject({ name: 'UpstreamError', status: 502, reason: 'bad_gateway', message: 'dsb answered 500', url, upstreamStatus: 500, upstreamReason: 'internal' });
    expect(err.isNotFound).toBe(false);
    expect(err.isConflict).toBe(false);
  });

  it('a peer that could not be reached is a 503 unavailable and keeps the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const err = new UpstreamError(url, 'dsb unreachable', { cause });
    expect(err).toMatchObject({ status: 503, reason: 'unavailable', url });
    expect(err.upstreamStatus).toBeUndefined();
    expect(err.upstreamReason).toBeUndefined();
    expect(err.cause).toBe(cause);
    expect(err.isNotFound).toBe(false);
    expect(err.isConflict).toBe(false);
  });

  it('a peer that did not answer in time is a 504 timeout, whatever status was seen', () => {
    expect(new UpstreamError(url, 'slow', { timedOut: true })).toMatchObject({ status: 504, reason: 'timeout' });
    expect(new UpstreamError(url, 'slow', { timedOut: true, upstreamStatus: 500 })).toMatchObject({ status: 504, reason: 'timeout', upstreamStatus: 500 });
    expect(new UpstreamError(url, 'fast', { timedOut: false, upstreamStatus: 500 })).toMatchObject({ status: 502, reason: 'bad_gateway' });
    expect(new UpstreamError(url, 'fast', { timedOut: false })).toMatchObject({ status: 503, reason: 'unavailable' });
  });

  it('isNotFound and isConflict tell the peer answered 404 or 409, and nothing else', () => {
    const s = (upstreamStatus: number) => new UpstreamError(url, 'm', { upstreamStatus });
    expect([s(404).isNotFound, s(404).isConflict]).toEqual([true, false]);
    expect([s(409).isNotFound, s(409).isConflict]).toEqual([false, true]);
    expect([s(400).isNotFound, s(400).isConflict]).toEqual([false, false]);
    // The peer's status is not ours: a 404 upstream is still a 502 here.
    expect(s(404)).toMatchObject({ status: 502, reason: 'bad_gateway' });
  });
});
