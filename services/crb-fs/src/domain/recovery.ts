import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { DEFAULT_REPO_ID, type CopyRecord, type CopyRecords, type RepositoryLayout } from './copy-records';
import { fsyncDir, isErrno } from './fs-util';

export type RecoveryLog = (msg: string, fields?: Record<string, unknown>) => void;

/**
 * Start-up of a repository root: creates its folders, drops what uploads and atomic writes under way when the
 * process died left (never visible, never acknowledged), loads the records into `records`, moves damaged records
 * aside, and reconciles records with data files. Runs before anything is served.
 *
 * Durability order of an upload (see `CopyUploads`): bytes → `tmp/x.part` → fsync → rename to `data/<copyId>` →
 * fsync `data/` → record written atomically (the commit point). So a data file without a landed record was never
 * acknowledged and is deleted; a landed record without its data file lost its data and is marked as having none.
 */
export async function recoverRepository(records: CopyRecords, log: RecoveryLog): Promise<void> {
  const dirs = records.layout;
  for (const d of [dirs.repositories, dirs.copies, dirs.data, dirs.tmp, dirs.locks]) await fsp.mkdir(d, { recursive: true });
  // Uploads and atomic writes that were under way when the process died: never visible, so simply dropped.
  const strays = [...await fsp.readdir(dirs.tmp), ...(await fsp.readdir(dirs.locks)).map((f) => `../locks/${f}`)];
  for (const f of await fsp.readdir(dirs.tmp)) await fsp.rm(path.join(dirs.tmp, f), { force: true, recursive: true });
  for (const f of await fsp.readdir(dirs.locks)) await fsp.rm(path.join(dirs.locks, f), { force: true, recursive: true });
  if (strays.length) log('removed leftovers of interrupted uploads', { files: strays });

  for (const f of await fsp.readdir(dirs.repositories)) {
    if (!f.endsWith('.json')) continue;
    const id = f.slice(0, -5);
    try { records.remember('repository', id, JSON.parse(await fsp.readFile(path.join(dirs.repositories, f), 'utf8'))); }
    catch (err) { log('skipping unreadable repository file', { file: f, error: String(err) }); }
  }
  if (!records.hasRepository(DEFAULT_REPO_ID)) {
    await records.persistRepository(DEFAULT_REPO_ID, { id: DEFAULT_REPO_ID, name: 'Default', repoAdditionalInfo: {} });
  }

  for (const f of await fsp.readdir(dirs.copies)) {
    if (!f.endsWith('.json')) continue;
    try {
      records.remember('copy', f.slice(0, -5), JSON.parse(await fsp.readFile(path.join(dirs.copies, f), 'utf8')) as CopyRecord);
    } catch (err) {
      // Records are written atomically, so a crash cannot leave one unreadable: this is damage (bit rot, a bad
      // backup restore, a hand edit). Its data must not then pass for an unacknowledged upload and be deleted
      // below: record and data are moved aside for a human to look at.
      const id = f.slice(0, -5);
      const to = await quarantine(dirs, id);
      log('moved an unreadable copy record and its data aside', { copyId: id, to, error: String(err) });
    }
  }
  // Data files whose upload never reached its commit point (the metadata record) were never acknowledged: drop.
  const dataFiles = new Set(await fsp.readdir(dirs.data));
  for (const f of dataFiles) {
    if (!records.copy(f)?.data) {
      await fsp.rm(path.join(dirs.data, f), { force: true, recursive: true });
      log('removed data of an unacknowledged upload', { copyId: f });
    }
  }
  for (const [id, rec] of [...records.copyRecords()]) {
    if (rec.data && !dataFiles.has(id)) {
      log('data file of a landed copy is missing; marking the copy as having no data', { copyId: id });
      const { data: _gone, ...rest } = rec;
      await records.persistCopy(id, rest);
    }
  }
  for (const d of [dirs.tmp, dirs.locks, dirs.data]) await fsyncDir(d);
}

/** Moves `copies/<id>.json` and `data/<id>` (when present) to a new folder under `quarantine/`; returns it. */
async function quarantine(dirs: RepositoryLayout, id: string): Promise<string> {
  const to = path.join(dirs.root, 'quarantine', `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}`);
  await fsp.mkdir(to, { recursive: true });
  await fsp.rename(path.join(dirs.copies, `${id}.json`), path.join(to, 'record.json'));
  await fsp.rename(path.join(dirs.data, id), path.join(to, 'data')).catch((err: unknown) => { if (!isErrno(err, 'ENOENT')) throw err; });
  await fsyncDir(dirs.copies);
  await fsyncDir(dirs.data);
  return to;
}
