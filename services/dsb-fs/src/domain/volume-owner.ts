import { execFileSync } from 'node:child_process';

/** Who owns the volume directories dsb-fs creates and restores (`DSB_FS_VOLUME_OWNER`). */
export interface VolumeOwner {
  /** As configured, for messages. */
  spec: string;
  uid: number;
  gid: number;
}

/**
 * `user`, `uid`, `user:group` or `uid:gid` → uid and gid, through the name service (`id -u`, `id -g`, `getent group`,
 * so LDAP or sssd users resolve too). A bare user takes its primary group; a bare numeric uid without a passwd entry
 * takes the same number as gid. Throws for what does not resolve (dsb-fs then refuses to start).
 */
export function resolveVolumeOwner(spec: string, lookup: { id(flag: '-u' | '-g', user: string): number | undefined; group(name: string): number | undefined } = systemLookup): VolumeOwner {
  const s = spec.trim();
  const m = /^([^:\s]+)(?::([^:\s]+))?$/.exec(s);
  if (!m) throw new Error(`DSB_FS_VOLUME_OWNER '${spec}' is not 'user', 'uid', 'user:group' or 'uid:gid'`);
  const [, user, group] = m;
  const numericUser = /^\d+$/.test(user);
  const uid = lookup.id('-u', user) ?? (numericUser ? Number(user) : undefined);
  if (uid === undefined) throw new Error(`DSB_FS_VOLUME_OWNER: no user '${user}' on this host`);
  let gid: number | undefined;
  if (group !== undefined) {
    gid = /^\d+$/.test(group) ? Number(group) : lookup.group(group);
    if (gid === undefined) throw new Error(`DSB_FS_VOLUME_OWNER: no group '${group}' on this host`);
  } else gid = lookup.id('-g', user) ?? uid;
  return { spec: s, uid, gid };
}

const systemLookup = {
  id(flag: '-u' | '-g', user: string): number | undefined {
    try {
      const out = execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
      return /^\d+$/.test(out) ? Number(out) : undefined;
    } catch { return undefined; }
  },
  group(name: string): number | undefined {
    try {
      const line = execFileSync('getent', ['group', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).split('\n')[0];
      const gid = line.split(':')[2];
      return gid && /^\d+$/.test(gid) ? Number(gid) : undefined;
    } catch { return undefined; }
  },
};
