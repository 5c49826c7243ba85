import { hubClient, type HubClient } from '@ocopea/api';
import { CliError } from './errors';
import { readConfig, type CliConfig } from './config';

type Env = Record<string, string | undefined>;

/** The Hub the CLI talks to, and as whom. */
export interface HubSession {
  url: string;
  client: HubClient;
  userId: string;
}

/** The nil UUID: sent as `userId` when no login made one (the Hub records who acted from the token anyway). */
const ANONYMOUS_USER = '00000000-0000-0000-0000-000000000000';

/** `http://host:8090` → `http://host:8090/hub-api`; a URL with a path is taken as the Hub's base as it is. */
export function normalizeHubUrl(raw: string): string {
  let u: URL;
  try { u = new URL(raw); } catch { throw new CliError(`'${raw}' is not a URL (expected e.g. http://localhost:8090)`, 2); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError(`'${raw}' is not an http(s) URL`, 2);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/hub-api';
  return u.toString().replace(/\/+$/, '');
}

/** The stored login, overridden by `OCOPEA_HUB_URL`/`OCOPEA_TOKEN`, overridden by `--hub`. */
export function sessionSettings(flagHub: string | undefined, env: Env): CliConfig {
  const cfg = readConfig(env);
  const hubUrl = flagHub ?? env.OCOPEA_HUB_URL ?? cfg.hubUrl;
  return { hubUrl: hubUrl ? normalizeHubUrl(hubUrl) : undefined, token: env.OCOPEA_TOKEN ?? cfg.token, userId: cfg.userId };
}

export function openSession(flagHub: string | undefined, env: Env): HubSession {
  const s = sessionSettings(flagHub, env);
  if (!s.hubUrl) throw new CliError('no Hub configured: run `ocopea login --hub URL`, or pass --hub or set OCOPEA_HUB_URL');
  const headers: Record<string, string> = s.token ? { authorization: `Bearer ${s.token}` } : {};
  return { url: s.hubUrl, client: hubClient(s.hubUrl, { headers, retries: 1 }), userId: s.userId ?? ANONYMOUS_USER };
}
