// The stream reclaimer runs a young-generation GC every N bytes streamed, across all streams that report to it.
import { streamReclaimer, streamReclaimerFromEnv } from '../src/stream-reclaimer';

describe('streamReclaimer', () => {
  it('runs the GC once per everyBytes reported, whatever the chunk sizes', () => {
    let gcs = 0;
    const count = streamReclaimer(2 * 1024 * 1024, () => { gcs++; });
    for (let i = 0; i < 160; i++) count(65_536); // 10 MiB in 64 KiB chunks
    expect(gcs).toBe(5);
    count(3 * 1024 * 1024); // one big chunk counts once
    expect(gcs).toBe(6);
  });

  it('does nothing with 0 bytes or without a gc', () => {
    let gcs = 0;
    const never = streamReclaimer(0, () => { gcs++; });
    never(1e9);
    expect(gcs).toBe(0);
    expect(() => streamReclaimer(1, undefined)(10)).not.toThrow();
  });

  it('refuses a bad OCOPEA_STREAM_GC_EVERY_MB at start-up', () => {
    const before = process.env.OCOPEA_STREAM_GC_EVERY_MB;
    try {
      process.env.OCOPEA_STREAM_GC_EVERY_MB = 'lots';
      expect(() => streamReclaimerFromEnv(2)).toThrow(/OCOPEA_STREAM_GC_EVERY_MB must be a number >= 0, got 'lots'/);
      process.env.OCOPEA_STREAM_GC_EVERY_MB = '-1';
      expect(() => streamReclaimerFromEnv()).toThrow(/>= 0/);
      delete process.env.OCOPEA_STREAM_GC_EVERY_MB;
      expect(typeof streamReclaimerFromEnv(2)).toBe('function');
    } finally {
      if (before === undefined) delete process.env.OCOPEA_STREAM_GC_EVERY_MB;
      else process.env.OCOPEA_STREAM_GC_EVERY_MB = before;
    }
  });
});
