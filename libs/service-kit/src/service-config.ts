import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** The port a service listens on: PORT, else the service's default. */
export function servicePort(defaultPort: number): number {
  const raw = process.env.PORT;
  if (raw === undefined || raw === '') return defaultPort;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be an integer 0..65535, got '${raw}'`);
  return n;
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
