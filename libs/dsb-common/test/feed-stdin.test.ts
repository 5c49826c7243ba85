// feedStdin against real child processes: every byte arrives in order across block edges, backpressure parks and
// resumes, a child that stops reading early still lets the source be read to its end, and a source that fails at its
// end never hands its last staged bytes to the child.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { feedStdin, runTool, type Tool } from '../src/process-stream';

function collect(tool: Tool): Promise<Buffer> {
  const parts: Buffer[] = [];
  tool.child.stdout!.on('data', (d: Buffer) => parts.push(d));
  return tool.succeeded.then(() => Buffer.concat(parts));
}

/** Chunks of awkward sizes (1 byte up to several blocks), as a socket might deliver them. */
function chunksOf(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length], data.length - at);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('feedStdin', () => {
  it.each([
    ['default blocks', undefined, undefined],
    ['tiny blocks, two of them (parks on almost every chunk)', 1000, 2],
    ['blocks of one byte more than a chunk', 65_537, 2],
  ])('delivers every byte in order through a real pipe: %s', async (_name, blockSize, blocks) => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const tool = runTool('cat', [], { stdin: 'pipe' });
    const out = collect(tool);
    await feedStdin(Readable.from(chunksOf(data, [1, 65_536, 7, 300_000, 4096, 999, 131_072])), tool, blockSize, blocks);
    expect((await out).equals(data)).toBe(true);
  });

  it('keeps up with a child that reads slowly, holding no more than its blocks', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    // reads 64 KiB every 5 ms: the source must be paused and resumed many times
    const slow = `const fs=require('fs');const b=Buffer.alloc(65536);let n=0;(function r(){const k=fs.readSync(0,b,0,b.length,null);if(k===0){process.stdout.write(String(n));return;}n+=k;setTimeout(r,5);})();`;
    const tool = runTool(process.execPath, ['-e', slow], { stdin: 'pipe' });
    const out = collect(tool);
    let pauses = 0;
    const source = Readable.from(chunksOf(data, [65_536]));
    source.on('pause', () => { pauses++; });
    await feedStdin(source, tool, 128 * 1024, 2);
    expect(Number((await out).toString())).toBe(data.length);
    expect(pauses).toBeGreaterThan(3);
  });

  it('reads the source to its end when the child stops reading early', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const tool = runTool('head', ['-c', '10'], { stdin: 'pipe' });
    const out = collect(tool);
    let read = 0;
    const source = Readable.from(chunksOf(data, [65_536]));
    source.on('data', (c: Buffer) => { read += c.length; });
    await feedStdin(source, tool, 1000, 2);
    expect((await out).equals(data.subarray(0, 10))).toBe(true);
    expect(read).toBe(data.length);
  });

  it('rejects when the source fails at its end, and never writes the bytes staged last', async () => {
    const tool = runTool('wc', ['-c'], { stdin: 'pipe' });
    const out = collect(tool);
    const source = new Readable({ read() { /* pushed below */ } });
    const feeding = feedStdin(source, tool, 1000, 4);
    source.push(Buffer.alloc(2500, 1));
    setImmediate(() => source.destroy(new Error('copy is corrupt')));
    await expect(feeding).rejects.toThrow('copy is corrupt');
    // two full blocks may have gone out; the last 500 bytes staged must not have
    expect(Number((await out).toString().trim())).toBeLessThanOrEqual(2000);
  });
});
