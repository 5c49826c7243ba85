// A JSON array written to the response as it is produced, with backpressure: a listing of any length costs the
// memory of one item, not of the whole answer.
import { once } from 'node:events';
import type { Response } from 'express';

/** Items per write: enough to amortise the write call, few enough to stay small. */
const BATCH = 256;

/**
 * Writes `[` + the mapped items + `]` as `application/json` with status 200. Stops early when the client goes away.
 * The caller answers 204 itself when there is nothing to list (a streamed answer cannot change its status later).
 */
export async function streamJsonArray<T>(res: Response, items: Iterable<T>, map: (item: T) => unknown): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  let buf = '[';
  let n = 0;
  for (const item of items) {
    buf += (n++ ? ',' : '') + JSON.stringify(map(item));
    if (n % BATCH === 0) {
      if (res.destroyed) return;
      if (!res.write(buf)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      buf = '';
    }
  }
  res.end(buf + ']');
}
