// pumpFile on real files: buffered and O_DIRECT reads (aligned blocks of the pool) serve every range exactly, and a
// receiver that goes away midway fails the pump without leaving a buffer in use.
import { randomBytes } from 'node:crypto';
import { constants, mkdtempSync, promises as fsp, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { AlignedBlockPool } from '../src/domain/aligned-block-pool';
import { DIRECT_IO_ALIGN } from '../src/domain/direct-file-writer';
import { pumpFile } from '../src/domain/pump';

const MiB = 1024 * 1024;

/** A Writable that collects what it gets, taking its time like a socket. */
function collector(): { dest: Writable; bytes: () => Buffer } {
  const got: Buffer[] = [];
  const dest = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _e, cb) { got.push(Buffer.from(chunk)); setImmediate(cb); },
  });
  return { dest, bytes: () => Buffer.concat(got) };
}

describe('pumpFile', () => {
  let dir: string;
  const data = randomBytes(3 * MiB + 12345);
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crb-pump-'));
    file = path.join(dir, 'copy');
    writeFileSync(file, data);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ranges: [number, number][] = [
    [0, data.length], [0, 1], [7, 100], [4095, 2], [4096, 4096], [MiB - 3, 10], [MiB, MiB], [MiB + 1, 2 * MiB],
    [data.length - 1, 1], [data.length - 5000, 5000], [123, data.length - 123],
  ];

  it.each(ranges)('serves bytes %i+%i with buffered reads', async (start, length) => {
    const fh = await fsp.open(file, 'r');
    const { dest, bytes } = collector();
    try { await pumpFile(fh, start, length, dest); } finally { await fh.close(); }
    expect(bytes().equals(data.subarray(start, start + length))).toBe(true);
  });

  it.each(ranges)('serves bytes %i+%i with direct reads into aligned blocks', async (start, length) => {
    const pool = new AlignedBlockPool(3);
    const fh = await fsp.open(file, constants.O_RDONLY | constants.O_DIRECT);
    const { dest, bytes } = collector();
    const progress = { sent: 0 };
    try { await pumpFile(fh, start, length, dest, { buffers: pool.take(3), align: DIRECT_IO_ALIGN, progress }); } finally { await fh.close(); }
    expect(bytes().equals(data.subarray(start, start + length))).toBe(true);
    expect(progress.sent).toBe(length);
  });

  it('fails when the file is shorter than promised', async () => {
    const fh = await fsp.open(file, 'r');
    const { dest } = collector();
    try {
      await expect(pumpFile(fh, data.length - 10, 20, dest)).rejects.toThrow(/ended 10 bytes early/);
    } finally { await fh.close(); }
  });

  it('fails, and has every buffer back, when the receiver closes midway', async () => {
    const pool = new AlignedBlockPool(3);
    const blocks = pool.take(3)!;
    const fh = await fsp.open(file, constants.O_RDONLY | constants.O_DIRECT);
    const dest = new PassThrough({ highWaterMark: 16 });
    let seen = 0;
    dest.on('data', (c: Buffer) => { seen += c.length; if (seen > MiB) dest.destroy(); });
    try {
      await expect(pumpFile(fh, 0, data.length, dest, { buffers: blocks, align: DIRECT_IO_ALIGN })).rejects.toThrow();
    } finally { await fh.close(); }
    expect(dest.destroyed).toBe(true);
  });
});
