import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** What `envNumber` accepts. */
export interface EnvNumberOptions {
  /** Smallest value accepted (default 0: settings are sizes, counts and durations). */
  min?: number;
  /** Largest value accepted (default: none). */
  max?: number;
  /** Whether only whole numbers are accepted (default true; false for sizes in MiB such as 0.5). */
  integer?: boolean;
}

/**
 * A numeric setting from the environment: undefined when unset or empty (the caller's default applies), else the
 * number. A value that is not a number or is out of range throws, naming the variable, what it accepts and what it
 * got, so a service refuses to start instead of running with NaN (which `setTimeout` and `setInterval` take as 1 ms).
 * Every service main reads its numbers through this, so they are all checked and all worded alike.
 */
export function envNumber(name: string, opts: EnvNumberOptions = {}, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const { min = 0, max, integer = true } = opts;
  const n = Number(raw);
  const ok = Number.isFinite(n) && (!integer || Number.isInteger(n)) && n >= min && (max === undefined || n <= max);
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    const range = max === undefined ? `>= ${min}` : `${min}..${max}`;
    throw new Error(`${name} must be ${kind} ${range}, got '${raw}'`);
  }
  return n;
}

/** The port a service listens on: PORT, else the service's default. */
export function servicePort(defaultPort: number): number {
  return envNumber('PORT', { max: 65535 }) ?? defaultPort;
}

/**
 * Where a service keeps its state: OCOPEA_DATA_DIR, else `.data/<service>` in the working directory.
 * Created if missing.
 */
export function serviceDataDir(service: string): string {
  const dir = path.resolve(process.env.OCOPEA_DATA_DIR ?? path.join('.data', service));
  mkdirSync(dir, { recursive: true });
  return dir;
}
