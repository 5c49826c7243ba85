import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface LogLine { message: string; timestamp: number; messageType: 'out' | 'err' }

export interface FollowOptions {
  /** How many of the last lines of each file to send first. */
  tailLines: number;
  pollMs: number;
}

const TAIL_WINDOW = 256 * 1024;
const READ_CHUNK = 256 * 1024;

/**
 * Sends the last `tailLines` lines of stdout.log and stderr.log, then every new complete line as the files grow
 * (polling their size; a file that shrinks was truncated and is read again from the start). Lines from the initial
 * tail carry the file's modification time (the files hold no timestamps); followed lines the time they were read.
 */
export function followLogs(files: { out: string; err: string }, opts: FollowOptions, onLine: (l: LogLine) => void): { stop(): void } {
  const tails = [tailOf(files.out, 'out', opts.tailLines), tailOf(files.err, 'err', opts.tailLines)]
    .sort((a, b) => a.mtime - b.mtime);
  for (const t of tails) for (const message of t.lines) onLine({ message, timestamp: t.mtime, messageType: t.type });
  const state = tails.map((t) => ({ file: t.type === 'out' ? files.out : files.err, type: t.type, offset: t.offset, pending: t.pending, decoder: new StringDecoder('utf8') }));
  const timer = setInterval(() => {
    for (const s of state) {
      let size: number;
      try { size = statSync(s.file).size; } catch { continue; }
      if (size < s.offset) { s.offset = 0; s.pending = ''; s.decoder = new StringDecoder('utf8'); }
      while (size > s.offset) {
        const len = Math.min(size - s.offset, READ_CHUNK);
        const buf = readRange(s.file, s.offset, len);
        if (!buf || buf.length === 0) break;
        s.offset += buf.length;
        const parts = (s.pending + s.decoder.write(buf)).split('\n');
        s.pending = parts.pop() ?? '';
        const now = Date.now();
        for (const line of parts) onLine({ message: line.replace(/\r$/, ''), timestamp: now, messageType: s.type });
      }
    }
  }, opts.pollMs);
  return { stop: () => clearInterval(timer) };
}

function tailOf(file: string, type: 'out' | 'err', n: number): { type: 'out' | 'err'; lines: string[]; mtime: number; offset: number; pending: string } {
  let size = 0;
  let mtime = Date.now();
  try { const st = statSync(file); size = st.size; mtime = st.mtimeMs; } catch { return { type, lines: [], mtime, offset: 0, pending: '' }; }
  const start = Math.max(0, size - TAIL_WINDOW);
  const text = readRange(file, start, size - start)?.toString('utf8') ?? '';
  const parts = text.split('\n');
  const pending = parts.pop() ?? '';
  if (start > 0) parts.shift(); // first line is cut
  const lines = n > 0 ? parts.slice(-n).map((l) => l.replace(/\r$/, '')) : [];
  return { type, lines, mtime: Math.round(mtime), offset: size, pending };
}

function readRange(file: string, start: number, len: number): Buffer | undefined {
  if (len <= 0) return Buffer.alloc(0);
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(len);
      const got = readSync(fd, buf, 0, len, start);
      return buf.subarray(0, got);
    } finally { closeSync(fd); }
  } catch { return undefined; }
}
