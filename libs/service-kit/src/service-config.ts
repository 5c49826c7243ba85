import { chmodSync, mkdirSync } from 'node:fs';
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

/** The umask of every service process: nothing a service writes is readable by group or others. */
export const PRIVATE_UMASK = 0o077;

/**
 * Makes every file and directory this process creates from now on private to its user (umask 077): data dirs
 * 0700, files 0600, whatever library writes them (the embedded PGlite database wrote 0666 files, its log holding
 * passwords). Called by the kit when a service takes its data dir and when it builds its app; idempotent.
 */
export function privateByDefault(): void {
  process.umask(PRIVATE_UMASK);
}

/**
 * Where a service keeps its state: OCOPEA_DATA_DIR, else `.data/<service>` in the working directory.
 * Created if missing, and made 0700 (also when it existed with looser bits); the process's umask becomes 077.
 */
export function serviceDataDir(service: string): string {
  privateByDefault();
  const dir = path.resolve(process.env.OCOPEA_DATA_DIR ?? path.join('.data', service));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** What an instance id may look like: a random token (a UUID, base64url bytes), never a name or an address. */
const INSTANCE_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The id the starter gave this process (OCOPEA_INSTANCE_ID), which `/healthz` answers to anyone, so that whoever
 * started the service can tell its own process from another one that holds the port (the topology, tests). It is
 * a random value made for one start, so it tells a caller nothing but "the same process as before"; anything that
 * does not look like one (16-64 of A-Z a-z 0-9 _ -) is refused. Undefined when not set: /healthz then says nothing more.
 */
export function instanceIdFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const id = env.OCOPEA_INSTANCE_ID;
  if (id === undefined || id === '') return undefined;
  if (!INSTANCE_ID.test(id)) throw new Error('OCOPEA_INSTANCE_ID must be a random id of 16 to 64 characters A-Z a-z 0-9 _ - (e.g. a UUID)');
  return id;
}
