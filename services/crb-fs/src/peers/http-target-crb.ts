import { createReadStream } from 'node:fs';
import { crbClient, uploadCopy, type crb } from '@ocopea/api';
import { BadGatewayError, redactCapabilities, translatePeerFailure, UpstreamError, type PeerFailurePolicy } from '@ocopea/errors';
import type { TargetCrb } from '../domain/transfer';

/** Read-ahead of the data file towards the target's socket. */
const READ_CHUNK = 1024 * 1024;

/**
 * The target of a transfer over HTTP: its JSON API through `crbClient`, the bytes through the CRB data client
 * (`Content-Length` and `X-Ocopea-Expected-Sha256` up front, the idle watch of every copy stream). Whatever fails on
 * the target's side is the target's failure: 502, quoting it with any credential redacted.
 */
export function httpTargetCrb(url: string): TargetCrb {
  const shown = redactCapabilities(url);
  const client = crbClient(url, { timeoutMs: 30_000 });
  const policy: PeerFailurePolicy = {
    unreachable: 502,
    otherwise: 502,
    keepOurs: (e) => e instanceof BadGatewayError,
    message: (_fault, detail) => `target CRB ${shown}: ${detail}`,
  };
  return {
    shown,
    async firstRepository() {
      try {
        const list = await client.get('/repositories');
        return Array.isArray(list.data) ? list.data[0]?.repoId : undefined;
      } catch (err) { throw translatePeerFailure(err, policy); }
    },
    async storeMetadata(copyId, metadata) {
      try {
        await client.post('/copies/{copyId}', { path: { copyId }, body: metadata as crb.components['schemas']['CopyMetaData'] });
      } catch (err) {
        if (err instanceof UpstreamError && err.isConflict) return; // an earlier attempt stored it
        throw translatePeerFailure(err, policy);
      }
    },
    async storeData(repoId, copyId, data) {
      await uploadCopy({
        crb: { url, repoId }, copyId, peer: 'target CRB',
        source: createReadStream(data.file, { highWaterMark: READ_CHUNK }),
        known: { size: data.size, digest: { algorithm: 'sha256', hex: data.sha256 } },
      });
    },
  };
}
