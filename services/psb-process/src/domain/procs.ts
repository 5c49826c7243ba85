import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Identity of a process that survives pid recycling: the kernel's start time (clock ticks since boot). */
export interface ProcIdentity { startTime?: string; cmdline?: string }

/** `/proc/<pid>/stat` fields we need; undefined when the process does not exist (or no procfs). */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  let raw: string;
  try { raw = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' '); // fields 3.. (comm may contain spaces)
  return { state: rest[0], startTime: rest[19] };
}

export const hasProcfs = (() => { try { readFileSync('/proc/self/stat'); return true; } catch { return false; } })();

/** Records who a freshly spawned process is, so a later PSB can tell it from a recycled pid. */
export function identify(pid: number): ProcIdentity {
  const st = procStat(pid);
  let cmdline: string | undefined;
  try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '); } catch { /* no procfs */ }
  return { startTime: st?.startTime, cmdline };
}

/**
 * True when `pid` is alive (not a zombie) and is still the process that was recorded: same start time when procfs
 * knows it. Without procfs only `kill(pid, 0)` is available and a recycled pid cannot be told apart.
 */
export function isSameProcessAlive(pid: number, id: ProcIdentity): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  if (hasProcfs) {
    const st = procStat(pid);
    if (!st || st.state === 'Z' || st.state === 'X') return false;
    return id.startTime === undefined || st.startTime === id.startTime;
  }
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Sends `signal` to the whole process group led by `pid` (children are spawned detached: pgid = pid). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pid, signal); } catch { /* group already gone */ }
}

/** A TCP port free on 127.0.0.1 right now, not in `avoid`. */
export async function freeTcpPort(avoid: Set<number>): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    });
    if (!avoid.has(port)) return port;
  }
  throw new Error('no free port found');
}

/** True when something answers HTTP on the port below 500 (GET /healthz; any answer < 500 means it serves). */
export async function answersHttp(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return res.status < 500;
  } catch { return false; }
}
