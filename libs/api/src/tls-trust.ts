import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';

let agent: https.Agent | undefined;
let loaded: { file: string; ca: string[] } | undefined;

/**
 * The CA certificates our clients trust for https peers: the system's, plus the PEM file named by
 * `OCOPEA_TLS_CA_FILE` (a private CA that signed our services' certificates). Undefined when that is unset: node's
 * defaults apply. Read once per file.
 */
export function trustedCa(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const file = env.OCOPEA_TLS_CA_FILE;
  if (!file) return undefined;
  if (loaded?.file !== file) {
    let pem: string;
    try { pem = readFileSync(file, 'utf8'); } catch (err) { throw new Error(`OCOPEA_TLS_CA_FILE: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`); }
    loaded = { file, ca: [...tls.rootCertificates, pem] };
  }
  return loaded.ca;
}

/** TLS options for a `node:https` request or a websocket to a peer: `{ca}` when a CA file is configured. */
export function peerTlsOptions(): { ca?: string[] } {
  const ca = trustedCa();
  return ca ? { ca } : {};
}

/** The https agent of our JSON clients (keep-alive, trusting `OCOPEA_TLS_CA_FILE`). */
export function peerHttpsAgent(): https.Agent {
  agent ??= new https.Agent({ keepAlive: true, ...peerTlsOptions() });
  return agent;
}
