import { spawn } from 'node:child_process';
import { identify, isSameProcessAlive, hasProcfs } from '../src/domain/procs';

describe('process identity', () => {
  it('tells a live process from a recycled pid (different start time) and from a dead one', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    const pid = child.pid!;
    try {
      const id = identify(pid);
      expect(isSameProcessAlive(pid, id)).toBe(true);
      if (hasProcfs) {
        expect(id.startTime).toMatch(/^\d+$/);
        expect(isSameProcessAlive(pid, { startTime: String(Number(id.startTime) + 1) })).toBe(false);
      }
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    expect(isSameProcessAlive(pid, {})).toBe(false);
    expect(isSameProcessAlive(0, {})).toBe(false);
  });
});
