import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import { IN_FLIGHT } from '@ocopea/api';
import { OcopeaError } from '@ocopea/errors';

/** A child process whose failure carries its stderr tail. */
export interface Tool {
  child: ChildProcess;
  /** Resolves when it exited 0; rejects with a 500 naming the exit code and the end of its stderr. */
  succeeded: Promise<void>;
  kill(): void;
}

/**
 * Spawns `cmd args` (never put secrets in args: pass them by env), keeping the last 4 KiB of stderr for errors.
 * `label` names the tool in errors when `cmd` is a wrapper (e.g. `stdbuf ... pg_dump`).
 */
export function runTool(cmd: string, args: string[], opts: SpawnOptions & { stdin?: 'pipe' | 'ignore'; label?: string }): Tool {
  const { label = cmd, stdin = 'ignore', ...spawnOpts } = opts;
  const child = spawn(cmd, args, { ...spawnOpts, stdio: [stdin, 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString('utf8')).slice(-4096); });
  const succeeded = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new OcopeaError(500, 'internal', `${label} could not start: ${err.message}`, { cause: err })));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new OcopeaError(500, 'internal', `${label} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${stderr.trim() ? `: ${stderr.trim().slice(-1000)}` : ''}`));
    });
  });
  succeeded.catch(() => undefined);
  return { child, succeeded, kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); } };
}

/** Size of the blocks `feedStdin` stages a child's input in (IN_FLIGHT / STAGE_BLOCK blocks per feed). */
export const STAGE_BLOCK = 256 * 1024;

/**
 * Feeds `source` into a child's stdin with backpressure and reads `source` to its very end even when the child
 * stops reading early (pg_restore may exit before the last bytes of a custom-format archive), so that a digest
 * check on `source` always runs. Rejects when `source` errors (e.g. a digest mismatch); stdin is then destroyed, not
 * ended, and the bytes staged last are never written, so the child never sees a clean end of a bad stream.
 *
 * The bytes are copied into a few reused blocks (`blocks` of `blockSize`, IN_FLIGHT in all) and each block is written
 * once full. Why: the received 64 KiB chunks die at once instead of waiting in stdin's queue for a slow child
 * (pg_restore), and 256 KiB writes cut the system calls into the pipe by four (restores of 1 GB: the broker's system
 * time 0.9-1.8 s against 1.3-1.7 s before, the copy itself ~0.05 s). It was meant to end the mark-compact storms of
 * restores that start after idle time, on the guess that waiting chunks get promoted; it does not (6 to 18
 * mark-compacts in post-idle restores with it, 21 to 23 without). What ends them is a young GC every 2 MiB
 * streamed instead of 8 (dsb-postgres main). Event-driven (no async iterator): this runs per 64 KiB.
 */
export function feedStdin(source: Readable, tool: Tool, blockSize = STAGE_BLOCK, blocks = Math.max(2, Math.floor(IN_FLIGHT / blockSize))): Promise<void> {
  const stdin = tool.child.stdin!;
  return new Promise<void>((resolve, reject) => {
    let open = true;
    let ended = false;
    let finished = false;
    const free: Buffer[] = [];
    let made = 0;
    let block: Buffer | undefined; // being filled
    let fill = 0;
    let parked: Buffer | undefined; // the rest of a chunk that found no free block; the source is paused meanwhile

    const take = (): Buffer | undefined => {
      const b = free.pop();
      if (b) return b;
      if (made >= blocks) return undefined;
      made++;
      return Buffer.allocUnsafeSlow(blockSize); // its own memory, never a slice of node's shared pool
    };
    /** Writes the first `fill` bytes of the current block; the block is free again once stdin took them. */
    const send = () => {
      const b = block!;
      const n = fill;
      block = undefined;
      fill = 0;
      stdin.write(b.subarray(0, n), (err) => {
        free.push(b);
        if (err || !parked) return; // a failed write: 'error'/'close' follow and drain the source (closed)
        const rest = parked;
        parked = undefined;
        stage(rest);
        if (!parked) { source.resume(); finish(); }
      });
    };
    /** Copies `chunk` into blocks, writing each that fills; parks the rest and pauses the source when none is free. */
    const stage = (chunk: Buffer) => {
      if (!open) return;
      let at = 0;
      while (at < chunk.length) {
        if (!block) {
          block = take();
          if (!block) { parked = chunk.subarray(at); source.pause(); return; }
        }
        const n = chunk.copy(block, fill, at);
        fill += n;
        at += n;
        if (fill === block.length) send();
      }
    };
    /** Once the source ended and nothing is parked: writes the last, partial block and ends stdin. */
    const finish = () => {
      if (!ended || parked || finished) return;
      finished = true;
      if (open) {
        if (block && fill > 0) send();
        stdin.end();
      }
      resolve();
    };
    const closed = () => { open = false; parked = undefined; source.resume(); finish(); }; // the child is gone: keep draining the source
    stdin.on('error', closed); // EPIPE after the child exited
    stdin.once('close', closed);
    source.on('data', stage);
    source.once('end', () => { ended = true; finish(); });
    source.once('error', (err) => { if (open) stdin.destroy(); reject(err); });
    source.once('close', () => { if (!ended) { if (open) stdin.destroy(); reject(new Error('copy stream closed before its end')); } });
  });
}

/**
 * Feeds `input` into `tool` (see feedStdin) and resolves once the tool exited 0 with all of it read. An abort of
 * `signal` or any failure (the input's, e.g. a digest mismatch, or the tool's) kills the tool and destroys `input`
 * and `upstream` (what `input` is a transform of, if anything); rejects with the first failure.
 */
export async function feedTool(input: Readable, tool: Tool, signal: AbortSignal, upstream?: Readable): Promise<void> {
  const stop = () => { tool.kill(); input.destroy(); upstream?.destroy(); };
  signal.addEventListener('abort', stop, { once: true });
  const feeding = feedStdin(input, tool);
  feeding.catch(() => undefined);
  try {
    await Promise.all([feeding, tool.succeeded]);
  } catch (err) {
    stop();
    throw err;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
