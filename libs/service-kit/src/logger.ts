import pino, { Logger } from 'pino';

/**
 * What no log line may show: credentials in request and response headers (the request log has both), and the secret
 * fields our bodies and records carry (broker and site tokens, registry and database passwords). A secret inside a
 * message string is kept out where it is made (URLs go through `redactCapabilities`).
 */
export const REDACT = [
  'req.headers.authorization', 'req.headers["proxy-authorization"]', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'req.headers["x-ocopea-token"]', '*.token', '*.password', '*.adminToken', 'headers.authorization',
];

/**
 * The structured logger of a service. Level from LOG_LEVEL (default `info`, and `silent` under jest unless
 * LOG_LEVEL is set, so test output stays readable).
 */
export function createLogger(service: string): Logger {
  const level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
  return pino({ name: service, level, base: { service }, redact: { paths: REDACT, censor: '[redacted]' } });
}

export type { Logger };
