import { open, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `text` to `file` so that a crash leaves either the old or the new file, never half of one: a temp file
 * (mode 0600: registries hold secrets), fsync, rename over the target, fsync of the directory.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dir = await open(path.dirname(file), 'r');
  try { await dir.sync(); } catch { /* some filesystems refuse fsync on directories */ } finally { await dir.close(); }
}

/** Serialises writes: each runs after the previous one settled and captures the state when it runs. */
export class WriteQueue {
  private writing: Promise<void> = Promise.resolve();
  run(write: () => Promise<void>): Promise<void> {
    const run = this.writing.then(write, write);
    this.writing = run.catch(() => undefined);
    return run;
  }
  flush(): Promise<void> { return this.writing; }
}
