import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { followLogs, type LogLine } from '../src/domain/log-follower';

describe('log follower', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'psb-logs-'));
  const out = path.join(dir, 'stdout.log');
  const err = path.join(dir, 'stderr.log');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const until = async (lines: LogLine[], pred: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(lines)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('sends the tail, then complete new lines (split writes, multi-byte characters), and restarts after truncation', async () => {
    writeFileSync(out, Array.from({ length: 10 }, (_, i) => `old ${i}`).join('\n') + '\nhalf');
    writeFileSync(err, 'warning 1\n');
    const lines: LogLine[] = [];
    const f = followLogs({ out, err }, { tailLines: 3, pollMs: 20 }, (l) => lines.push(l));
    try {
      expect(lines.map((l) => `${l.messageType}:${l.message}`).sort()).toEqual(['err:warning 1', 'out:old 7', 'out:old 8', 'out:old 9']);
      appendFileSync(out, ' done\n');
      const euro = Buffer.from('price €\n');
      appendFileSync(out, euro.subarray(0, 8)); // cuts the € in the middle
      await new Promise((r) => setTimeout(r, 60));
      appendFileSync(out, euro.subarray(8));
      appendFileSync(err, 'oops\r\n');
      await until(lines, () => lines.length >= 7);
      expect(lines.slice(4).map((l) => `${l.messageType}:${l.message}`).sort()).toEqual(['err:oops', 'out:half done', 'out:price €']);
      expect(Math.abs(lines[6].timestamp - Date.now())).toBeLessThan(5000);
      truncateSync(out, 0);
      await new Promise((r) => setTimeout(r, 60));
      appendFileSync(out, 'after rotation\n');
      await until(lines, () => lines.some((l) => l.message === 'after rotation'));
    } finally { f.stop(); }
  });

  it('waits for files that do not exist yet', async () => {
    const lines: LogLine[] = [];
    const later = path.join(dir, 'later.log');
    const f = followLogs({ out: later, err: path.join(dir, 'none.log') }, { tailLines: 10, pollMs: 20 }, (l) => lines.push(l));
    try {
      expect(lines).toEqual([]);
      writeFileSync(later, 'hello\n');
      await until(lines, () => lines.length === 1);
      expect(lines[0]).toMatchObject({ message: 'hello', messageType: 'out' });
    } finally { f.stop(); }
  });
});
