import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The unprivileged identity app processes get when the PSB runs as root. */
export interface RunAs {
  /** As configured (`PSB_PROCESS_RUN_AS`), for messages. */
  spec: string;
  uid: number;
  gid: number;
  /** The user's home directory (passwd), given to the app as `HOME`; `/` when the user has no passwd entry. */
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }

/**
 * `user`, `uid`, `user:group` or `uid:gid` → uid, gid and home. Names go through `getent` (the name service, so LDAP
 * or sssd users resolve as `id` would), else `/etc/passwd` and `/etc/group`; a numeric uid without a passwd entry is
 * used as is (gid: the one given, else the same number). Throws for an unknown name and for root (uid or gid 0): the
 * point is that an app never runs privileged.
 */
export function resolveRunAs(spec: string, lookup: { passwd(key: string): PasswdEntry | undefined; group(key: string): number | undefined } = systemLookup): RunAs {
  const s = spec.trim();
  const m = /^([^:\s]+)(?::([^:\s]+))?$/.exec(s);
  if (!m) throw new Error(`PSB_PROCESS_RUN_AS '${spec}' is not 'user', 'uid', 'user:group' or 'uid:gid'`);
  const [, userPart, groupPart] = m;
  const entry = lookup.passwd(userPart);
  let uid: number;
  let gid: number | undefined;
  let home = '/';
  if (entry) ({ uid, gid, home } = entry);
  else if (/^\d+$/.test(userPart)) uid = Number(userPart);
  else throw new Error(`PSB_PROCESS_RUN_AS: no user '${userPart}' on this host`);
  if (groupPart !== undefined) {
    const g = /^\d+$/.test(groupPart) ? Number(groupPart) : lookup.group(groupPart);
    if (g === undefined) throw new Error(`PSB_PROCESS_RUN_AS: no group '${groupPart}' on this host`);
    gid = g;
  }
  gid ??= uid;
  if (uid === 0 || gid === 0) throw new Error(`PSB_PROCESS_RUN_AS '${spec}' is root (uid ${uid}, gid ${gid}); app processes must run unprivileged`);
  if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(gid) || uid > 0xfffffffe || gid > 0xfffffffe) throw new Error(`PSB_PROCESS_RUN_AS '${spec}': uid/gid out of range`);
  return { spec: s, uid, gid, home: home || '/' };
}

const systemLookup = {
  passwd(key: string): PasswdEntry | undefined {
    const line = getent('passwd', key) ?? fileEntry('/etc/passwd', key, 2);
    if (!line) return undefined;
    const f = line.split(':');
    return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' };
  },
  group(key: string): number | undefined {
    const line = getent('group', key) ?? fileEntry('/etc/group', key, 2);
    return line ? Number(line.split(':')[2]) : undefined;
  },
};

/** `getent <db> <key>`'s first line; undefined when not found or when getent is missing. */
function getent(db: string, key: string): string | undefined {
  try {
    return execFileSync('getent', [db, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).split('\n')[0] || undefined;
  } catch { return undefined; }
}

/** The line of a passwd/group file whose name (field 0) or id (field `idField`) is `key`. */
function fileEntry(file: string, key: string, idField: number): string | undefined {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { return undefined; }
  return text.split('\n').find((l) => { const f = l.split(':'); return f[0] === key || f[idField] === key; });
}

/**
 * The open-files limit app processes get: `wanted`, lowered to the PSB's own hard limit when it is lower (an
 * unprivileged process cannot raise its hard limit; root can, but then the PSB's limit is still the sensible cap).
 */
export function openFilesLimit(wanted: number): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const hard = line?.trim().split(/\s+/)[4];
    if (hard && /^\d+$/.test(hard)) return Math.min(wanted, Number(hard));
  } catch { /* no procfs: keep wanted */ }
  return wanted;
}
