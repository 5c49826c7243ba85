import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { CheckFailure, CheckSkipped, expectStatus, HttpClient } from './http';
import { grantUrl, startOwnCrb } from './crb-target';
import { Report } from './report';
import { checkAnonymousRefused } from './common';
import type { StartedService } from '@ocopea/testing';

export interface CrbOptions {
  url: string;
  token?: string;
  /** Bytes of the test copy (default 3 MiB + 17: several chunks, not a round number). */
  copyBytes?: number;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Sends `data` as a chunked stream of 64 KiB pieces (what DSBs send: a dump of unknown length). */
const chunked = (data: Buffer) => () => Readable.from((function* () { for (let i = 0; i < data.length; i += 65536) yield data.subarray(i, i + 65536); })());

/**
 * What the Site and the DSBs do with a CRB: info, repositories, metadata before data, a streamed upload, the
 * download (bytes and digest equal), metadata and listing, the refusals (409 duplicate, 404 unknown), delete; and the
 * extensions a CRB advertises: Range (Accept-Ranges), scoped grants, CRB-to-CRB transfer.
 */
export async function runCrb(o: CrbOptions): Promise<Report> {
  const r = new Report('crb', o.url);
  const crb = new HttpClient(o.url, o.token);
  const copyId = randomUUID();
  const data = randomBytes(o.copyBytes ?? 3 * 1024 * 1024 + 17);
  let stored = false;
  let target: StartedService | undefined;
  try {
    await r.check('info: GET /info describes the broker', { consequence: 'registration fails: the Site reads GET /info' }, async () => {
      const a = await crb.call('GET', '/info');
      expectStatus(a, [200], 'GET /info');
      if (!a.json || typeof a.json !== 'object') throw new CheckFailure('not a JSON object', a.exchange);
    });
    const repoId = await r.check('repositories: GET /repositories lists at least one', { consequence: 'app copies fail: the Site stores copies in the first repository listed' }, async () => {
      const a = await crb.call('GET', '/repositories');
      expectStatus(a, [200], 'GET /repositories');
      const first = Array.isArray(a.json) ? a.json[0]?.repoId : undefined;
      if (typeof first !== 'string' || !first) throw new CheckFailure('no repository with a repoId', a.exchange);
      return first as string;
    });
    if (!repoId) return r;
    r.can(`register it (repository '${repoId}')`);

    const meta = await r.check('metadata: POST /copies/{copyId} stores a copy\'s metadata', { consequence: 'app copies fail: the Site stores the metadata before it asks the DSB for the copy' }, async () => {
      const a = await crb.call('POST', `/copies/${copyId}`, { json: { copyId, repoId, copyTimeStamp: new Date().toISOString(), facility: 'shpanCopy', copyAdditionalInfo: { plan: 'standard' } } });
      expectStatus(a, [200, 201], 'POST /copies/{copyId}');
      return true;
    });
    const up = meta && await r.check('upload: POST /repositories/{repoId}/copies/{copyId}/data takes a chunked stream', { consequence: 'app copies fail: DSBs cannot store their dumps' }, async () => {
      const a = await crb.call('POST', `/repositories/${repoId}/copies/${copyId}/data`, { body: chunked(data), timeoutMs: 120_000 });
      expectStatus(a, [200, 201], 'POST …/copies/{copyId}/data');
      stored = true;
      const theirs = a.headers.get('x-ocopea-sha256');
      if (theirs && theirs.toLowerCase() !== sha(data)) throw new CheckFailure(`X-Ocopea-Sha256 ${theirs} is not the digest of what was sent (${sha(data)})`, a.exchange);
      return a.status === 200 ? '' : 'answered 201 (orcs DSBs such as mongo-dsb want 200)';
    });
    let ranges = false;
    if (up !== undefined) {
      r.can('store copies');
      await r.check('download: GET /copies/{copyId}/data answers the same bytes and digest', { consequence: 'restores fail or load other data: the bytes do not come back as stored' }, async () => {
        const a = await crb.call('GET', `/copies/${copyId}/data`, { timeoutMs: 120_000 });
        expectStatus(a, [200], 'GET /copies/{copyId}/data');
        if (a.bytes.length !== data.length) throw new CheckFailure(`${a.bytes.length} bytes back, ${data.length} stored`, a.exchange);
        if (!a.bytes.equals(data)) throw new CheckFailure(`the bytes differ (sha256 ${sha(a.bytes)}, stored ${sha(data)})`, a.exchange);
        const theirs = a.headers.get('x-ocopea-sha256');
        if (theirs && theirs.toLowerCase() !== sha(data)) throw new CheckFailure(`X-Ocopea-Sha256 ${theirs} is wrong`, a.exchange);
        ranges = /bytes/i.test(a.headers.get('accept-ranges') ?? '');
        r.can('serve them back for restores');
      });
      await r.check('metadata: GET /copies/{copyId} answers the copy with its repository', { consequence: 'the Site cannot read back what it copied' }, async () => {
        const a = await crb.call('GET', `/copies/${copyId}`);
        expectStatus(a, [200], 'GET /copies/{copyId}');
        if (a.json?.repoId !== undefined && a.json.repoId !== null && a.json.repoId !== repoId) throw new CheckFailure(`repoId '${a.json.repoId}', the data went to '${repoId}'`, a.exchange);
      });
      await r.check('metadata: size and sha256 of the landed data', { optional: true, consequence: 'copies cannot be verified by their recorded size and digest' }, async () => {
        const a = await crb.call('GET', `/copies/${copyId}`);
        const info = a.json?.copyAdditionalInfo ?? {};
        if (info.size === undefined && info.sha256 === undefined) throw new CheckSkipped('not advertised (no size or sha256 in copyAdditionalInfo)');
        if (info.size !== undefined && Number(info.size) !== data.length) throw new CheckFailure(`size ${info.size}, stored ${data.length}`, a.exchange);
        if (info.sha256 !== undefined && info.sha256 !== sha(data)) throw new CheckFailure(`sha256 ${info.sha256}, stored ${sha(data)}`, a.exchange);
      });
      await r.check('list: GET /copies lists the copy', { consequence: 'the Site\'s copy catalog misses copies' }, async () => {
        const a = await crb.call('GET', `/copies?repoIdInQuery=${encodeURIComponent(repoId)}`);
        expectStatus(a, [200], 'GET /copies');
        const listed = Array.isArray(a.json) && a.json.some((c: { copyId?: string; copyURL?: string }) => c?.copyId === copyId || (typeof c?.copyURL === 'string' && c.copyURL.replace(/\/+$/, '').endsWith(`/copies/${copyId}`)));
        if (!listed) throw new CheckFailure(`copy ${copyId} is not listed`, a.exchange);
      });
      await r.check('duplicate: a second upload of the same copy answers 409', { consequence: 'a copy can be overwritten: retries may replace good data' }, async () => {
        const a = await crb.call('POST', `/repositories/${repoId}/copies/${copyId}/data`, { body: randomBytes(1024) });
        expectStatus(a, [409], 'a second POST …/copies/{copyId}/data');
      });
      await r.check('range: GET with Range answers 206 and the slice', { optional: true, consequence: 'interrupted restores start over instead of resuming' }, async () => {
        if (!ranges) throw new CheckSkipped('not advertised (no Accept-Ranges: bytes)');
        const a = await crb.call('GET', `/copies/${copyId}/data`, { headers: { range: 'bytes=1000-1999' } });
        expectStatus(a, [206], 'GET …/data with Range: bytes=1000-1999');
        if (!a.bytes.equals(data.subarray(1000, 2000))) throw new CheckFailure(`${a.bytes.length} bytes, not bytes 1000-1999 of the copy`, a.exchange);
        if (!/^bytes 1000-1999\/\d+$/.test(a.headers.get('content-range') ?? '')) throw new CheckFailure(`Content-Range '${a.headers.get('content-range')}'`, a.exchange);
      });
      await r.check('grants: a read grant reads this copy and nothing else', { optional: true, consequence: 'DSBs would need the CRB\'s own token to copy: the Site hands them scoped grants' }, async () => {
        const g = await crb.call('POST', '/grants', { json: { access: 'read', copyId } });
        if ([404, 405, 501].includes(g.status)) throw new CheckSkipped(`not advertised (POST /grants answered ${g.status})`);
        expectStatus(g, [200], 'POST /grants');
        const url = crb.base + String(g.json?.pathPrefix ?? '');
        const ok = await crb.call('GET', `${url}/copies/${copyId}/data`, { anonymous: true });
        expectStatus(ok, [200], 'GET …/data under the grant\'s pathPrefix, no Authorization');
        if (!ok.bytes.equals(data)) throw new CheckFailure('other bytes under the grant', ok.exchange);
        const other = await crb.call('GET', `${url}/copies/${randomUUID()}/data`, { anonymous: true });
        expectStatus(other, [403, 404], 'another copy under the same grant');
        const write = await crb.call('POST', `${url}/repositories/${repoId}/copies/${randomUUID()}/data`, { anonymous: true, body: randomBytes(16) });
        expectStatus(write, [401, 403], 'a write under a read grant');
      });
      await r.check('transfer: POST /copies/{copyId}/transfer pushes the copy to another CRB', { optional: true, consequence: 'copies cannot move between sites CRB to CRB' }, async () => {
        target = await startOwnCrb();
        const targetClient = new HttpClient(target.url, target.token);
        const targetUrl = await grantUrl({ url: target.url, client: targetClient }, { access: 'write', copyId, repoId: 'default' });
        const a = await crb.call('POST', `/copies/${copyId}/transfer`, { json: { targetUrl, targetRepoId: 'default' }, timeoutMs: 120_000 });
        if ([404, 405, 501].includes(a.status)) throw new CheckSkipped(`not advertised (answered ${a.status} for a stored copy)`);
        expectStatus(a, [200], 'POST /copies/{copyId}/transfer');
        const back = await targetClient.call('GET', `/copies/${copyId}/data`, { timeoutMs: 120_000 });
        expectStatus(back, [200], 'the target\'s GET /copies/{copyId}/data');
        if (!back.bytes.equals(data)) throw new CheckFailure('the target holds other bytes', back.exchange);
      });
    } else {
      r.skip('download: GET /copies/{copyId}/data answers the same bytes and digest', 'nothing was uploaded');
    }

    await r.check('unknown: GET /copies/{copyId} and its data answer 404', { consequence: 'the Site cannot tell a missing copy from an outage' }, async () => {
      const id = randomUUID();
      expectStatus(await crb.call('GET', `/copies/${id}`), [404], 'GET of an unknown copy');
      expectStatus(await crb.call('GET', `/copies/${id}/data`), [404], 'GET data of an unknown copy');
    });
    await r.check('unknown repository: an upload into it answers 404', { consequence: 'copies into a removed repository are not refused clearly' }, async () => {
      const a = await crb.call('POST', `/repositories/no-such-repo-${copyId.slice(0, 8)}/copies/${randomUUID()}/data`, { body: randomBytes(16) });
      expectStatus(a, [404], 'an upload into an unknown repository');
    });
    await r.check('bad input: a hostile copy id answers 400 or 404, never 5xx', { consequence: 'bad requests crash the CRB' }, async () => {
      const a = await crb.call('GET', '/copies/..%2F..%2Fetc%2Fpasswd');
      expectStatus(a, [400, 404], 'GET /copies/..%2F..%2Fetc%2Fpasswd');
    });

    if (stored) {
      const deleted = await r.check('delete: DELETE /copies/{copyId}, then GET answers 404', { consequence: 'deleted copies stay: storage leaks' }, async () => {
        const a = await crb.call('DELETE', `/copies/${copyId}`);
        expectStatus(a, [200, 204], 'DELETE /copies/{copyId}');
        expectStatus(await crb.call('GET', `/copies/${copyId}`), [404], 'GET after DELETE');
        expectStatus(await crb.call('GET', `/copies/${copyId}/data`), [404], 'GET data after DELETE');
        return true;
      });
      if (deleted) { stored = false; r.can('delete copies'); }
    }
    await checkAnonymousRefused(r, crb, '/repositories', o.token);
    return r;
  } finally {
    if (stored) await crb.call('DELETE', `/copies/${copyId}`).catch(() => undefined);
    await target?.stop();
  }
}
