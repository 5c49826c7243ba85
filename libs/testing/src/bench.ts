import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';

// What the `pnpm bench:*` scripts share: flushing the page cache between timed steps, and reading a process's CPU
// and peak memory from /proc.

/**
 * Flushes what earlier steps left in the page cache before a timed step starts. Without it the kernel writes that
 * back during whichever run comes next, and only the runs that write to disk themselves pay for it.
 */
export function quiesce(): Promise<void> {
  return new Promise((resolve, reject) => {
    spawn('sync', [], { stdio: 'ignore' }).once('error', reject).once('close', () => resolve());
  });
}

/** CPU seconds the whole machine was busy so far (all cores: user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100;
}

/** CPU seconds (user + system) a process used so far. */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Peak resident memory of a process, bytes (VmHWM). */
export function vmHwm(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Runs `cmd args` with stdout to `out` (a path, default /dev/null) and stdin from `input` (a file, or nothing); resolves with the seconds it took. */
export function timeTool(cmd: string, args: string[], o: { env?: NodeJS.ProcessEnv; out?: string; input?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const file = createWriteStream(o.out ?? '/dev/null');
    file.once('open', () => {
      const child = spawn(cmd, args, { env: o.env ?? process.env, stdio: [o.input ? 'pipe' : 'ignore', file, 'pipe'] });
      if (o.input) createReadStream(o.input).pipe(child.stdin!);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
      child.once('close', (code) => {
        file.close();
        if (code === 0) resolve(Number(process.hrtime.bigint() - t0) / 1e9);
        else reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`));
      });
    });
  });
}

/**
 * Deletes the DSB instances a bench made (through `api`, its authenticated caller of the DSB) and waits, up to
 * `timeoutMs`, until the DSB lists none of them: a DSB deletes asynchronously.
 */
export async function removeDsbInstances(
  api: (method: string, path: string) => Promise<{ body: unknown }>, ids: readonly string[], timeoutMs = 60_000,
): Promise<void> {
  for (const id of ids) await api('DELETE', `/service_instances/${id}`).catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const list = await api('GET', '/service_instances').catch(() => ({ body: [] }));
    if (!(list.body as { instanceId: string }[]).some((x) => ids.includes(x.instanceId))) return;
    await new Promise((res) => setTimeout(res, 200));
  }
}
