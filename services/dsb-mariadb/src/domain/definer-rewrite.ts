import { Transform, type TransformCallback } from 'node:stream';

const MARK = Buffer.from('DEFINER=');
/** A dump's definer clause: DEFINER=`user`@`host` (backticks inside doubled). */
const CLAUSE = /^DEFINER=`(?:[^`]|``){0,200}`@`(?:[^`]|``){0,600}`/;
const CURRENT = Buffer.from('DEFINER=CURRENT_USER');
/** mariadb-dump writes definer clauses within the first bytes of a statement's line, never inside row data lines. */
const MAX_COLUMN = 64;
/** Longer than any clause, so a clause is never cut between two passes. */
const CARRY = 2048;

/**
 * Rewrites the `DEFINER=`user`@`host`` clauses of a mariadb-dump stream to `DEFINER=CURRENT_USER`, so that the
 * routines, triggers and views of a copy belong to the instance's own user when the restore runs as that user (a
 * user may not create objects for another one; restoring as the server's root instead would hand the copy's SQL the
 * whole server). Only clauses starting within the first 64 bytes of a line are touched: mariadb-dump escapes line
 * breaks in data, so row data (long `INSERT` lines) is passed through byte for byte. Streams in constant memory.
 */
export class DefinerRewrite extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  /** Column of the first byte of `carry` (capped at MAX_COLUMN). */
  private column = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pass(this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk, false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.pass(this.carry, true);
    done();
  }

  private pass(buf: Buffer, final: boolean): void {
    const limit = final ? buf.length : Math.max(0, buf.length - CARRY);
    let from = 0;
    for (let p = buf.indexOf(MARK); p !== -1 && p < limit; p = buf.indexOf(MARK, p + 1)) {
      const nl = buf.lastIndexOf(10, p);
      const column = nl === -1 ? this.column + p : p - nl - 1;
      if (column >= MAX_COLUMN) continue;
      const m = CLAUSE.exec(buf.toString('latin1', p, Math.min(buf.length, p + CARRY)));
      if (!m) continue;
      if (p > from) this.push(buf.subarray(from, p));
      this.push(CURRENT);
      from = p + m[0].length;
      p = from - 1;
    }
    const upTo = Math.max(from, limit);
    if (upTo > from) this.push(buf.subarray(from, upTo));
    const tail = buf.subarray(Math.max(0, upTo - MAX_COLUMN), upTo);
    const nl = tail.lastIndexOf(10);
    this.column = nl !== -1 ? tail.length - nl - 1 : Math.min(MAX_COLUMN, this.column + upTo);
    this.carry = Buffer.from(buf.subarray(upTo));
  }
}
