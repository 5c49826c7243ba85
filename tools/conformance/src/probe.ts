import { spawn } from 'node:child_process';
import { CheckFailure } from './http';

/**
 * Runs the author's `--probe-cmd` with the binding in its environment: `<cmd> write` before the copy, `<cmd> check`
 * after the restore (exit 0 = the data is there). Environment: OCOPEA_PROBE_PHASE, OCOPEA_INSTANCE_ID,
 * OCOPEA_BINDING (the binding as JSON) and OCOPEA_BINDING_<KEY> per binding field (key upper-cased, other
 * characters as `_`). Runs through the shell, so the command may carry its own arguments.
 */
export function runProbe(cmd: string, phase: 'write' | 'check', instanceId: string, binding: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, OCOPEA_PROBE_PHASE: phase, OCOPEA_INSTANCE_ID: instanceId, OCOPEA_BINDING: JSON.stringify(binding) };
  for (const [k, v] of Object.entries(binding)) env[`OCOPEA_BINDING_${k.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(`${cmd} ${phase}`, { shell: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => { out = (out + d.toString('utf8')).slice(-2000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => { clearTimeout(timer); reject(new CheckFailure(`probe '${cmd} ${phase}' could not start: ${err.message}`)); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.trim().split('\n').pop() ?? '');
      else reject(new CheckFailure(`probe '${cmd} ${phase}' ${signal ? `was killed (${signal})` : `exited with ${code}`}${out.trim() ? `: ${out.trim()}` : ''}`));
    });
  });
}
