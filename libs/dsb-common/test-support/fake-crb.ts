// A FAKE Copy Repository Broker for DSB tests: only the two data routes of specs/crb.yaml, in memory, with knobs to
// misbehave (drop an upload mid-stream, serve tampered bytes under the right digest). The real one is services/crb-fs.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { crc32 } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export interface FakeCrb {
  /** Registered URL (`http://127.0.0.1:PORT/crb`). */
  url: string;
  /** Copies whose upload completed. */
  copies: Map<string, Buffer>;
  /** Uploads whose request was aborted or cut (their bytes are never stored). */
  aborted: string[];
  /** When set, the connection of any upload is destroyed once this many bytes arrived. */
  dropUploadsAfterBytes?: number;
  /** When set, uploads are answered with this status and an error body instead of being stored. */
  refuseWith?: number;
  /** Serve this copy with one byte flipped, still announcing the digest of the original bytes. */
  tamper: Set<string>;
  /** Downloads of this copy send half the bytes, then the connection is cut. */
  cutDownloads: Set<string>;
  /** Answer this digest (hex) instead of the real one on uploads. */
  lieAboutDigest?: string;
  /** Answer this CRC-32 (hex) instead of the real one on uploads. */
  lieAboutCrc32?: string;
  /** Announce SHA-256 only, like a CRB that knows nothing of CRC-32 (and ignores trailers). */
  sha256Only?: boolean;
  /** The trailers each completed upload carried. */
  trailers: Map<string, NodeJS.Dict<string>>;
  close(): Promise<void>;
}

export async function startFakeCrb(): Promise<FakeCrb> {
  const fake: FakeCrb = { url: '', copies: new Map(), aborted: [], tamper: new Set(), cutDownloads: new Set(), trailers: new Map(), close: async () => undefined };
  const crcOf = (b: Buffer) => crc32(b).toString(16).padStart(8, '0');
  const server = http.createServer((req, res) => {
    const up = /^\/crb\/repositories\/([^/]+)\/copies\/([^/]+)\/data$/.exec(req.url ?? '');
    const down = /^\/crb\/copies\/([^/]+)\/data$/.exec(req.url ?? '');
    if (req.method === 'POST' && up) {
      const copyId = decodeURIComponent(up[2]);
      if (fake.refuseWith) {
        req.resume();
        res.writeHead(fake.refuseWith, { 'content-type': 'application/json' }).end(JSON.stringify({ code: fake.refuseWith, message: 'fake CRB refuses' }));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let cut = false;
      req.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (fake.dropUploadsAfterBytes !== undefined && size >= fake.dropUploadsAfterBytes && !cut) {
          cut = true;
          fake.aborted.push(copyId);
          req.socket.destroy();
        }
      });
      req.on('aborted', () => { if (!cut) { cut = true; fake.aborted.push(copyId); } });
      req.on('end', () => {
        if (cut) return;
        const body = Buffer.concat(chunks);
        fake.copies.set(copyId, body);
        fake.trailers.set(copyId, { ...req.trailers });
        const sha = fake.lieAboutDigest ?? createHash('sha256').update(body).digest('hex');
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-ocopea-sha256': sha };
        if (!fake.sha256Only) headers['x-ocopea-crc32'] = fake.lieAboutCrc32 ?? crcOf(body);
        res.writeHead(200, headers).end(JSON.stringify(`${fake.url}/copies/${copyId}`));
      });
      return;
    }
    if (req.method === 'GET' && down) {
      const copyId = decodeURIComponent(down[1]);
      const body = fake.copies.get(copyId);
      if (!body) { res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 404, message: `copy '${copyId}' not found` })); return; }
      const sha = createHash('sha256').update(body).digest('hex');
      let served = body;
      if (fake.tamper.has(copyId)) { served = Buffer.from(body); served[Math.floor(served.length / 2)] ^= 0xff; }
      const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', 'content-length': served.length, 'x-ocopea-sha256': sha };
      if (!fake.sha256Only) headers['x-ocopea-crc32'] = crcOf(body);
      res.writeHead(200, headers);
      if (fake.cutDownloads.has(copyId)) { res.write(served.subarray(0, served.length >> 1), () => res.socket?.destroy()); return; }
      res.end(served);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 404, message: 'no such route in the fake CRB' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/crb`;
  fake.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return fake;
}
