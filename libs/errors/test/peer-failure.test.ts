// The one translation of a failed peer call: each caller's policy (the Hub passes a Site's 4xx, the Site's broker
// registration answers 503 for everything, crb-fs's transfer 502) gives the statuses those callers answer today.
import {
  BadGatewayError, BadRequestError, ConflictError, GatewayTimeoutError, NotFoundError, OcopeaError, peerFault, translatePeerFailure,
  UnavailableError, UpstreamError, type PeerFailurePolicy,
} from '../src';

const unreachable = () => new UpstreamError('http://peer/crb/cap/SECRET', 'GET http://peer/crb/cap/SECRET/info failed: ECONNREFUSED', {});
const timedOut = () => new UpstreamError('http://peer/x', 'GET http://peer/x failed: timed out', { timedOut: true });
const answered = (s: number) => new UpstreamError('http://peer/x', `GET http://peer/x answered ${s}: nope`, { upstreamStatus: s });

describe('UpstreamError', () => {
  it('is 503 when the peer could not be reached, 504 when it timed out, 502 when it answered an error', () => {
    expect(unreachable().status).toBe(503);
    expect(timedOut().status).toBe(504);
    expect(answered(404).status).toBe(502);
    expect(unreachable().message).not.toContain('SECRET');
  });
});

describe('peerFault', () => {
  it('tells unreachable, timed out, answered, ours and other failures apart', () => {
    expect(peerFault(unreachable())).toEqual({ kind: 'unreachable', timedOut: false });
    expect(peerFault(timedOut())).toEqual({ kind: 'unreachable', timedOut: true });
    expect(peerFault(answered(409))).toEqual({ kind: 'answered', status: 409 });
    const ours = new ConflictError('x');
    expect(peerFault(ours)).toEqual({ kind: 'ours', error: ours });
    expect(peerFault(new Error('boom'))).toEqual({ kind: 'other' });
  });
});

describe('translatePeerFailure', () => {
  // The Hub's policy towards Sites: unreachable 503, the Site's 400/404/409 passed through (422 as 400), else 502.
  const hub: PeerFailurePolicy = {
    passThrough: [400, 404, 409, 422],
    unreachable: 503,
    message: (f, d) => (f.kind === 'unreachable' ? `site is unreachable (x): ${d}` : f.kind === 'answered' ? `site answered ${f.status} to x: ${d}` : `x failed: ${d}`),
  };
  // The Site's policy at broker registration: any failure is 503.
  const site: PeerFailurePolicy = { unreachable: 503, otherwise: 503, keepOurs: false, message: (_f, d) => `failed connecting to DSB: ${d}` };
  // crb-fs's transfer: whatever the target did is a 502, and its own 502s pass as they are.
  const transfer: PeerFailurePolicy = { unreachable: 502, otherwise: 502, keepOurs: (e) => e instanceof BadGatewayError, message: (_f, d) => `target CRB t: ${d}` };

  it('answers what each caller answers', () => {
    const cases: [PeerFailurePolicy, unknown, new (...a: never[]) => OcopeaError, number][] = [
      [hub, unreachable(), UnavailableError, 503], [hub, timedOut(), UnavailableError, 503], [hub, answered(400), BadRequestError, 400],
      [hub, answered(422), BadRequestError, 400], [hub, answered(404), NotFoundError, 404], [hub, answered(409), ConflictError, 409],
      [hub, answered(500), BadGatewayError, 502], [hub, new Error('boom'), BadGatewayError, 502],
      [site, unreachable(), UnavailableError, 503], [site, answered(404), UnavailableError, 503], [site, new ConflictError('c'), UnavailableError, 503],
      [transfer, unreachable(), BadGatewayError, 502], [transfer, answered(409), BadGatewayError, 502], [transfer, new ConflictError('c'), BadGatewayError, 502],
    ];
    for (const [policy, err, Class, status] of cases) {
      const e = translatePeerFailure(err, policy);
      expect(e).toBeInstanceOf(Class);
      expect(e.status).toBe(status);
      expect(e.cause).toBe(err);
    }
  });

  it('keeps our own errors unless the policy says otherwise, and defaults to 503/504/502', () => {
    const ours = new NotFoundError('mine');
    expect(translatePeerFailure(ours, hub)).toBe(ours);
    const gone = new BadGatewayError('target gone');
    expect(translatePeerFailure(gone, transfer)).toBe(gone);
    const plain: PeerFailurePolicy = { message: (_f, d) => d };
    expect(translatePeerFailure(unreachable(), plain)).toBeInstanceOf(UnavailableError);
    expect(translatePeerFailure(timedOut(), plain)).toBeInstanceOf(GatewayTimeoutError);
    expect(translatePeerFailure(answered(404), plain)).toBeInstanceOf(BadGatewayError);
  });

  it('redacts capability URLs in the message, whatever the policy writes', () => {
    const e = translatePeerFailure(new Error('GET https://crb/crb/cap/tok3n/copies/x failed'), { message: (_f, d) => `at https://crb/crb/cap/tok3n: ${d}` });
    expect(e.message).not.toContain('tok3n');
    expect(e.message).toContain('/cap/***');
  });
});

describe('orUndefinedOn404', () => {
  it('answers undefined for a peer 404 only, and passes every other outcome on', async () => {
    const { orUndefinedOn404 } = await import('../src');
    expect(await orUndefinedOn404(Promise.resolve(7))).toBe(7);
    expect(await orUndefinedOn404(Promise.reject(new UpstreamError('http://p', 'GET x answered 404', { upstreamStatus: 404 })))).toBeUndefined();
    const gone = new UpstreamError('http://p', 'GET x answered 410', { upstreamStatus: 410 });
    await expect(orUndefinedOn404(Promise.reject(gone))).rejects.toBe(gone);
    const plain = new Error('404');
    await expect(orUndefinedOn404(Promise.reject(plain))).rejects.toBe(plain);
  });
});
