import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { Pool } from 'pg';

/** One note; `created` is epoch milliseconds. */
export interface Note { id: string; text: string; created: number }

export interface NotesStore {
  readonly kind: 'postgres' | 'mysql' | 'files';
  init(): Promise<void>;
  list(): Promise<Note[]>;
  add(text: string): Promise<Note>;
  get(id: string): Promise<Note | undefined>;
  close(): Promise<void>;
}

function newNote(text: string): Note { return { id: randomUUID(), text, created: Date.now() }; }

/** Notes in a PostgreSQL table `notes`, created when missing. */
export class PgNotesStore implements NotesStore {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  constructor(uri: string) { this.pool = new Pool({ connectionString: uri, max: 4 }); }
  async init(): Promise<void> {
    await this.pool.query('CREATE TABLE IF NOT EXISTS notes (id text PRIMARY KEY, text text NOT NULL, created bigint NOT NULL)');
  }
  async list(): Promise<Note[]> {
    const r = await this.pool.query('SELECT id, text, created FROM notes ORDER BY created, id');
    return r.rows.map(row);
  }
  async add(text: string): Promise<Note> {
    const n = newNote(text);
    await this.pool.query('INSERT INTO notes (id, text, created) VALUES ($1, $2, $3)', [n.id, n.text, n.created]);
    return n;
  }
  async get(id: string): Promise<Note | undefined> {
    const r = await this.pool.query('SELECT id, text, created FROM notes WHERE id = $1', [id]);
    return r.rows[0] ? row(r.rows[0]) : undefined;
  }
  async close(): Promise<void> { await this.pool.end(); }
}

/** Notes in a MariaDB/MySQL table `notes`, created when missing. */
export class MysqlNotesStore implements NotesStore {
  readonly kind = 'mysql' as const;
  private readonly pool: mysql.Pool;
  constructor(uri: string) {
    const u = new URL(uri.replace(/^mariadb:/, 'mysql:'));
    this.pool = mysql.createPool({
      host: decodeURIComponent(u.hostname).replace(/^\[|\]$/g, ''), port: Number(u.port || 3306), user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password) || undefined, database: decodeURIComponent(u.pathname.slice(1)), connectionLimit: 4, charset: 'utf8mb4',
    });
  }
  async init(): Promise<void> {
    await this.pool.query('CREATE TABLE IF NOT EXISTS notes (id VARCHAR(64) PRIMARY KEY, text TEXT NOT NULL, created BIGINT NOT NULL) CHARACTER SET utf8mb4');
  }
  async list(): Promise<Note[]> {
    const [rows] = await this.pool.query('SELECT id, text, created FROM notes ORDER BY created, id');
    return (rows as Parameters<typeof row>[0][]).map(row);
  }
  async add(text: string): Promise<Note> {
    const n = newNote(text);
    await this.pool.query('INSERT INTO notes (id, text, created) VALUES (?, ?, ?)', [n.id, n.text, n.created]);
    return n;
  }
  async get(id: string): Promise<Note | undefined> {
    const [rows] = await this.pool.query('SELECT id, text, created FROM notes WHERE id = ?', [id]);
    const r = (rows as Parameters<typeof row>[0][])[0];
    return r ? row(r) : undefined;
  }
  async close(): Promise<void> { await this.pool.end(); }
}

function row(r: { id: string; text: string; created: string | number }): Note {
  return { id: r.id, text: r.text, created: Number(r.created) };
}

/** Notes as `<id>.json` files in a directory (written to a temp name then renamed, so a copy never sees half a note). */
export class FileNotesStore implements NotesStore {
  readonly kind = 'files' as const;
  constructor(private readonly dir: string) {}
  async init(): Promise<void> { await mkdir(this.dir, { recursive: true }); }
  async list(): Promise<Note[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    const notes: Note[] = [];
    for (const n of names) {
      try { notes.push(JSON.parse(await readFile(path.join(this.dir, n), 'utf8')) as Note); } catch { /* not a note */ }
    }
    return notes.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  }
  async add(text: string): Promise<Note> {
    const n = newNote(text);
    const file = path.join(this.dir, `${n.id}.json`);
    await writeFile(`${file}.tmp`, JSON.stringify(n));
    await rename(`${file}.tmp`, file);
    return n;
  }
  async get(id: string): Promise<Note | undefined> {
    if (!/^[\w-]+$/.test(id)) return undefined;
    try { return JSON.parse(await readFile(path.join(this.dir, `${id}.json`), 'utf8')) as Note; } catch { return undefined; }
  }
  async close(): Promise<void> { /* nothing held open */ }
}
