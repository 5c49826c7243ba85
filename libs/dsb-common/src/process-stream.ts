import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
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

/** Bytes a stream may queue towards a slower consumer before the producer is paused. */
export const IN_FLIGHT = 1024 * 1024;

/**
 * Feeds `source` into a child's stdin with backpressure and reads `source` to its very end even when the child
 * stops reading early (pg_restore may exit before the last bytes of a custom-format archive), so that a digest
 * check on `source` always runs. Rejects when `source` errors (e.g. a digest mismatch); stdin is then destroyed, not
 * ended, so the child never sees a clean end of a bad stream. Event-driven (no async iterator): this runs per 64 KiB.
 */
export function feedStdin(source: Readable, tool: Tool): Promise<void> {
  const stdin = tool.child.stdin!;
  return new Promise<void>((resolve, reject) => {
    let open = true;
    let ended = false;
    const closed = () => { open = false; source.resume(); }; // the child is gone: keep draining the source
    stdin.on('error', closed); // EPIPE after the child exited
    stdin.once('close', closed);
    stdin.on('drain', () => source.resume());
    source.on('data', (chunk: Buffer) => {
      // Queue up to IN_FLIGHT bytes before pausing: fewer pause/resume cycles than stopping at every 16 KiB.
      if (open && !stdin.write(chunk) && stdin.writableLength >= IN_FLIGHT) source.pause();
    });
    source.once('end', () => { ended = true; if (open) stdin.end(); resolve(); });
    source.once('error', (err) => { if (open) stdin.destroy(); reject(err); });
    source.once('close', () => { if (!ended) { if (open) stdin.destroy(); reject(new Error('copy stream closed before its end')); } });
  });
}
