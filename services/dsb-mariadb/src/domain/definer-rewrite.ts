import { Transform, type TransformCallback } from 'node:stream';

const MARK = Buffer.from('DEFINER=');
/** A dump's definer clause: DEFINER=`user`@`host` (backticks inside doubled). */
const CLAUSE = /^DEFINER=`(?:[^`]|``){0,200}`@`(?:[^`]|``){0,600}`/;
const CURRENT = Buffer.from('DEFINER=CURRENT_USER');
/**
 * What precedes a definer clause on its line in mariadb-dump's (and mysqldump's) output: nothing (views), `CREATE `
 * (routines), a versioned comment (`/*!50013 `, views), or `/*!50003 CREATE*/ /*!50017 ` (triggers, events).
 * Row data lines start with `INSERT`, so a `DEFINER=` inside data is never taken for a clause.
 */
const PREFIX = /^(?:|CREATE |\/\*!\d{5} |\/\*!\d{5} CREATE ?\*\/ \/\*!\d{5} )$/;
const MAX_PREFIX = 64;
/** Longer than any clause: a clause starting this close to a chunk's end waits for the next chunk. */
const CARRY = 2048;

/** How many of `buf`'s last bytes start `DEFINER=` (0 to 7): they wait for the next chunk. */
function partialMark(buf: Buffer): number {
  for (let k = Math.min(MARK.length - 1, buf.length); k > 0; k--) {
    if (buf.compare(MARK, 0, k, buf.length - k) === 0) return k;
  }
  return 0;
}

/**
 * Rewrites the `DEFINER=`user`@`host`` clauses of a mariadb-dump stream to `DEFINER=CURRENT_USER`, so that the
 * routines, triggers and views of a copy belong to the instance's own user when the restore runs as that user (a
 * user may not create objects for another one; restoring as the server's root instead would hand the copy's SQL the
 * whole server). Only clauses where mariadb-dump writes them are touched (see PREFIX): it escapes line breaks in
 * data, so row data (`INSERT` lines) is passed through byte for byte. Streams in constant memory; a chunk
 * is copied only when a `DEFINER=` lies near its end (0.1 CPU-s per GiB of plain rows, against 0.4 when every chunk
 * was joined to the end of the one before).
 */
export class DefinerRewrite extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  /** The start of the line `carry` begins in, up to it; null when longer than any clause's prefix. */
  private head: string | null = '';

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pass(this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk, false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.pass(this.carry, true);
    done();
  }

  private pass(buf: Buffer, final: boolean): void {
    let limit = final ? buf.length : buf.length - partialMark(buf);
    let from = 0;
    for (let p = buf.indexOf(MARK); p !== -1 && p < limit; p = buf.indexOf(MARK, p + 1)) {
      if (!final && p + CARRY > buf.length) { limit = p; break; } // may be a clause not whole yet: decide with more
      const nl = p === 0 ? -1 : buf.lastIndexOf(10, p - 1);
      const prefix = nl !== -1 ? (p - nl - 1 < MAX_PREFIX ? buf.toString('latin1', nl + 1, p) : null) : this.head === null || p >= MAX_PREFIX ? null : this.head + buf.toString('latin1', 0, p);
      if (prefix === null || !PREFIX.test(prefix)) continue;
      const m = CLAUSE.exec(buf.toString('latin1', p, Math.min(buf.length, p + CARRY)));
      if (!m) continue;
      if (p > from) this.push(buf.subarray(from, p));
      this.push(CURRENT);
      from = p + m[0].length;
      p = from - 1;
    }
    const upTo = Math.max(from, limit);
    if (upTo > from) this.push(buf.subarray(from, upTo));
    const tail = buf.subarray(Math.max(0, upTo - MAX_PREFIX), upTo);
    const nl = tail.lastIndexOf(10);
    if (nl !== -1) this.head = tail.toString('latin1', nl + 1);
    else if (upTo >= MAX_PREFIX || this.head === null) this.head = null;
    else this.head = this.head + tail.toString('latin1');
    if (this.head !== null && this.head.length >= MAX_PREFIX) this.head = null;
    this.carry = Buffer.from(buf.subarray(upTo));
  }
}
