import net from 'node:net';

/** The MariaDB server tests use: 127.0.0.1:3306, root without a password (what .ci/run starts). */
export const TEST_MARIADB_URL = process.env.OCOPEA_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';

/** Whether something accepts connections at the test MariaDB's address within `timeoutMs`. */
export function mariadbAnswers(url = TEST_MARIADB_URL, timeoutMs = 3000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 3306) });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    // A MariaDB server speaks first (its handshake): a byte means it is up.
    s.once('data', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Call in `beforeAll` of tests that need MariaDB: fails them with how to start it when it does not answer. */
export async function requireTestMariadb(url = TEST_MARIADB_URL): Promise<void> {
  if (await mariadbAnswers(url)) return;
  throw new Error(`These tests need MariaDB at ${url} (root, no password). Start it with: ` +
    'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd (.ci/run does), then wait for port 3306');
}
