// GoldenCopies against an in-memory backend and a fake CRB probe: which path a load takes, what is built, dropped,
// evicted and recovered. The real backends are tested end to end in their services.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CopyDownload, CopyProbe } from '@ocopea/api';
import { GoldenCopies, GoldenRegistry, goldenName, type GoldenBackend, type InstanceRecord, type RestoreSource } from '../src';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'goldens-'));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Goldens and instances as strings; `gate` holds builds until released (to race loads against them). */
class MemoryBackend implements GoldenBackend<{ data?: string }> {
  goldens = new Map<string, string>();
  instances = new Map<string, string>();
  builds = 0;
  clones = 0;
  tampered = new Set<string>();
  gate?: Promise<void>;
  failBuild?: Error;
  async cloneMethod() { return 'memory'; }
  async buildGolden(name: string, openCopy: () => Promise<Readable>) {
    this.builds++;
    await this.gate;
    if (this.failBuild) throw this.failBuild;
    const chunks: Buffer[] = [];
    for await (const c of await openCopy()) chunks.push(c as Buffer);
    this.goldens.set(name, Buffer.concat(chunks).toString());
  }
  async goldenIntact(name: string) { return this.goldens.has(name) && !this.tampered.has(name); }
  async cloneGolden(name: string, rec: InstanceRecord<{ data?: string }>) {
    this.clones++;
    const g = this.goldens.get(name);
    if (g === undefined) throw new Error(`no golden ${name}`);
    this.instances.set(rec.instanceId, g);
  }
  async dropGolden(name: string) { this.goldens.delete(name); this.tampered.delete(name); }
  async goldenSize(name: string) { return this.goldens.get(name)?.length ?? 0; }
}

/** A CRB of copies held as strings, announcing a digest per copy (the content itself stands in for a SHA-256 here). */
class FakeCrb {
  copies = new Map<string, string>();
  downloads = 0;
  unreachable = false;
  noDigest = false;
  probe = async (src: RestoreSource): Promise<CopyProbe> => {
    if (this.unreachable) throw new Error('connect ECONNREFUSED');
    const c = this.copies.get(src.copyId);
    if (c === undefined) return { found: false };
    return { found: true, size: c.length, digests: this.noDigest ? {} : { sha256: hex(c) } };
  };
  download = (copyId: string) => async (): Promise<CopyDownload> => {
    this.downloads++;
    const c = this.copies.get(copyId) ?? '';
    return { stream: Readable.from([Buffer.from(c)]), expected: { algorithm: 'sha256', hex: hex(c) }, result: { size: c.length } };
  };
}
const hex = (s: string) => Buffer.from(s).toString('hex').padEnd(64, '0').slice(0, 64);

function setup(budgetBytes = 1000, file = path.join(tmp(), 'goldens.json')) {
  const backend = new MemoryBackend();
  const crb = new FakeCrb();
  let clock = 1000;
  const goldens = new GoldenCopies(backend, GoldenRegistry.open(file), { budgetBytes, probe: crb.probe, now: () => clock++ }, quiet);
  const src = (copyId: string): RestoreSource => ({ copyId, url: 'http://crb/crb', repoId: 'default' });
  const rec = (instanceId: string) => ({ instanceId } as InstanceRecord<{ data?: string }>);
  const load = (instanceId: string, copyId: string, signal = new AbortController().signal) =>
    goldens.load(rec(instanceId), src(copyId), crb.download(copyId), signal);
  return { backend, crb, goldens, load, file };
}

describe('golden copies', () => {
  it('restores a copy in full once, then clones it; every instance gets the copy\'s data', async () => {
    const { backend, crb, load, goldens, file } = setup();
    crb.copies.set('c1', 'hello');
    expect(await load('a', 'c1')).toBe('full-restore');
    expect(await load('b', 'c1')).toBe('local-clone');
    expect(await load('c', 'c1')).toBe('local-clone');
    expect(crb.downloads).toBe(1);
    expect(backend.builds).toBe(1);
    expect([...backend.instances.values()]).toEqual(['hello', 'hello', 'hello']);
    expect(goldens.list()).toEqual([expect.objectContaining({ copyId: 'c1', state: 'ready', size: 5, uses: 3 })]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('ten loads of a new copy at once build it once; all of them clone it', async () => {
    const { backend, crb, load } = setup();
    crb.copies.set('c1', 'hello');
    let release!: () => void;
    backend.gate = new Promise((r) => { release = r; });
    const loads = Array.from({ length: 10 }, (_, i) => load(`i${i}`, 'c1'));
    await new Promise((r) => setImmediate(r));
    release();
    const paths = await Promise.all(loads);
    expect(backend.builds).toBe(1);
    expect(crb.downloads).toBe(1);
    expect(paths.filter((p) => p === 'full-restore')).toHaveLength(1);
    expect(backend.clones).toBe(10);
  });

  it('a copy whose bytes changed in the CRB (another digest) drops the stale golden and builds a new one', async () => {
    const { backend, crb, load, goldens } = setup();
    crb.copies.set('c1', 'old');
    await load('a', 'c1');
    crb.copies.set('c1', 'new!');
    expect(await load('b', 'c1')).toBe('full-restore');
    expect(backend.instances.get('b')).toBe('new!');
    expect(goldens.list().map((g) => g.digest.hex)).toEqual([hex('new!')]);
    expect(backend.goldens.size).toBe(1);
  });

  it('a copy gone from the CRB drops its golden and leaves the restore to the caller (which reports the 404)', async () => {
    const { backend, crb, load, goldens } = setup();
    crb.copies.set('c1', 'hello');
    await load('a', 'c1');
    crb.copies.delete('c1');
    expect(await load('b', 'c1')).toBeUndefined();
    expect(goldens.list()).toEqual([]);
    expect(backend.goldens.size).toBe(0);
  });

  it('no golden without a digest to check it by, over the budget, with the budget 0, or when the CRB cannot be asked', async () => {
    const s = setup();
    s.crb.copies.set('c1', 'hello');
    s.crb.noDigest = true;
    expect(await s.load('a', 'c1')).toBeUndefined();
    s.crb.noDigest = false;
    s.crb.unreachable = true;
    expect(await s.load('a', 'c1')).toBeUndefined();
    expect(s.backend.builds).toBe(0);

    const small = setup(3);
    small.crb.copies.set('c1', 'hello');
    expect(await small.load('a', 'c1')).toBeUndefined();
    const off = setup(0);
    off.crb.copies.set('c1', 'x');
    expect(off.goldens.enabled).toBe(false);
    expect(await off.load('a', 'c1')).toBeUndefined();
    expect(small.backend.builds + off.backend.builds).toBe(0);
  });

  it('a golden that is no longer intact (someone connected to it) is dropped and built again, never cloned', async () => {
    const { backend, crb, load } = setup();
    crb.copies.set('c1', 'hello');
    await load('a', 'c1');
    const name = goldenName('c1', { algorithm: 'sha256', hex: hex('hello') });
    backend.tampered.add(name);
    backend.goldens.set(name, 'HACKED');
    expect(await load('b', 'c1')).toBe('full-restore');
    expect(backend.instances.get('b')).toBe('hello');
  });

  it('evicts least recently used goldens beyond the budget, never one being cloned', async () => {
    const { backend, crb, load, goldens } = setup(10);
    crb.copies.set('c1', 'aaaa');
    crb.copies.set('c2', 'bbbb');
    crb.copies.set('c3', 'cccc');
    await load('a', 'c1');
    await load('b', 'c2');
    await load('c', 'c1'); // c1 used last: c2 is the least recently used
    await load('d', 'c3'); // 12 bytes > 10: c2 goes
    expect(goldens.list().map((g) => g.copyId).sort()).toEqual(['c1', 'c3']);
    expect([...backend.goldens.keys()]).toHaveLength(2);
    // one golden alone over the budget is evicted after its clone, unless pinned by another clone under way
    const one = setup(5);
    one.crb.copies.set('big', '12345');
    one.crb.copies.set('x', 'y');
    await one.load('a', 'big');
    let release!: () => void;
    one.backend.gate = new Promise((r) => { release = r; });
    const building = one.load('b', 'x');
    await new Promise((r) => setImmediate(r));
    expect(one.goldens.list().map((g) => g.state).sort()).toEqual(['building', 'ready']);
    release();
    await building;
    expect(one.goldens.list().map((g) => g.copyId)).toEqual(['x']);
  });

  it('a failed build leaves no golden and no entry; the load fails with the build\'s error', async () => {
    const { backend, crb, load, goldens } = setup();
    crb.copies.set('c1', 'hello');
    backend.failBuild = new Error('pg_restore exited with code 1');
    await expect(load('a', 'c1')).rejects.toThrow(/pg_restore exited/);
    expect(goldens.list()).toEqual([]);
    expect(backend.goldens.size).toBe(0);
  });

  it('a golden left building by a crash is dropped at recovery, from the backend and the registry', async () => {
    const file = path.join(tmp(), 'goldens.json');
    const first = setup(1000, file);
    first.crb.copies.set('c1', 'hello');
    let release!: () => void;
    first.backend.gate = new Promise((r) => { release = r; });
    void first.load('a', 'c1').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(readFileSync(file, 'utf8')).goldens[0].state).toBe('building');
    // "restart": a new process reads the registry; the backend still has what the crash left
    const again = setup(1000, file);
    again.backend.goldens.set(first.goldens.list()[0].name, 'half');
    await again.goldens.recover();
    expect(again.goldens.list()).toEqual([]);
    expect(again.backend.goldens.size).toBe(0);
    release();
  });

  it('a download that announces another digest than the probe did fails the build (the copy changed meanwhile)', async () => {
    const { crb, goldens } = setup();
    crb.copies.set('c1', 'hello');
    const swapped = async (): Promise<CopyDownload> => ({ stream: Readable.from([Buffer.from('other')]), expected: { algorithm: 'sha256', hex: hex('other') }, result: { size: 5 } });
    await expect(goldens.load({ instanceId: 'a' } as InstanceRecord<{ data?: string }>, { copyId: 'c1', url: 'http://crb/crb', repoId: 'default' }, swapped, new AbortController().signal))
      .rejects.toThrow(/changed in the CRB while its golden copy was being built/);
    expect(goldens.list()).toEqual([]);
  });
});
