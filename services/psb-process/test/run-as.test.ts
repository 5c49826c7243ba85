import { readFileSync } from 'node:fs';
import { openFilesLimit, resolveRunAs } from '../src/domain/run-as';

describe('PSB_PROCESS_RUN_AS', () => {
  const users: Record<string, { name: string; uid: number; gid: number; home: string }> = {
    app: { name: 'app', uid: 1000, gid: 1000, home: '/home/app' },
    root: { name: 'root', uid: 0, gid: 0, home: '/root' },
  };
  const lookup = {
    passwd: (k: string) => users[k] ?? Object.values(users).find((u) => String(u.uid) === k),
    group: (k: string) => ({ staff: 50, wheel: 0 } as Record<string, number>)[k],
  };

  it('resolves user, uid, user:group and uid:gid', () => {
    expect(resolveRunAs('app', lookup)).toEqual({ spec: 'app', uid: 1000, gid: 1000, home: '/home/app' });
    expect(resolveRunAs('1000', lookup)).toMatchObject({ uid: 1000, gid: 1000, home: '/home/app' });
    expect(resolveRunAs('app:staff', lookup)).toMatchObject({ uid: 1000, gid: 50 });
    expect(resolveRunAs('4242:4343', lookup)).toEqual({ spec: '4242:4343', uid: 4242, gid: 4343, home: '/' });
    expect(resolveRunAs('4242', lookup)).toMatchObject({ uid: 4242, gid: 4242 });
  });

  it('refuses unknown names, root and malformed values', () => {
    expect(() => resolveRunAs('ghost', lookup)).toThrow(/no user 'ghost'/);
    expect(() => resolveRunAs('app:ghosts', lookup)).toThrow(/no group 'ghosts'/);
    expect(() => resolveRunAs('root', lookup)).toThrow(/is root/);
    expect(() => resolveRunAs('0', lookup)).toThrow(/is root/);
    expect(() => resolveRunAs('app:wheel', lookup)).toThrow(/is root/);
    expect(() => resolveRunAs('a:b:c', lookup)).toThrow(/is not 'user'/);
    expect(() => resolveRunAs('', lookup)).toThrow(/is not 'user'/);
  });

  it('resolves nobody on this host through the name service', () => {
    const nobody = resolveRunAs('nobody');
    expect(nobody.uid).toBeGreaterThan(0);
    expect(nobody.gid).toBeGreaterThan(0);
  });

  it('caps the open-files limit at the PSB hard limit', () => {
    expect(openFilesLimit(64)).toBe(64);
    const hard = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))!.trim().split(/\s+/)[4];
    expect(openFilesLimit(Number.MAX_SAFE_INTEGER)).toBe(hard === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(hard));
  });
});
