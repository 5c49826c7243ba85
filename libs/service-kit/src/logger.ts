import pino, { Logger } from 'pino';

/**
 * The structured logger of a service. Level from LOG_LEVEL (default `info`, and `silent` under jest unless
 * LOG_LEVEL is set, so test output stays readable).
 */
export function createLogger(service: string): Logger {
  const level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
  return pino({ name: service, level, base: { service } });
}

export type { Logger };
