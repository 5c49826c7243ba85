import http from 'node:http';
import type { NotesStore } from './store';

const MAX_BODY = 64 * 1024;

/** The notes HTTP API: GET /healthz, GET /notes, POST /notes {text} → 201, GET /notes/{id}. */
export function createNotesServer(store: NotesStore): http.Server {
  return http.createServer((req, res) => {
    handle(store, req, res).catch((err: Error) => {
      process.stderr.write(`notes-app: ${req.method} ${req.url} failed: ${err.message}\n`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
}

async function handle(store: NotesStore, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const p = url.pathname.replace(/\/+$/, '') || '/';
  if (req.method === 'GET' && (p === '/healthz' || p === '/')) {
    await store.list(); // proves the storage answers
    return send(res, 200, { status: 'ok', service: 'notes-app', storage: store.kind });
  }
  if (p === '/notes' && req.method === 'GET') return send(res, 200, await store.list());
  if (p === '/notes' && req.method === 'POST') {
    let body: unknown;
    try { body = JSON.parse(await readBody(req)); } catch (e) { return send(res, 400, { error: `body must be JSON: ${(e as Error).message}` }); }
    const text = (body as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || text === '') return send(res, 400, { error: "'text' (a non-empty string) is required" });
    const note = await store.add(text);
    process.stdout.write(`note ${note.id} added\n`);
    return send(res, 201, note);
  }
  const m = /^\/notes\/([^/]+)$/.exec(p);
  if (m && req.method === 'GET') {
    const note = await store.get(decodeURIComponent(m[1]));
    return note ? send(res, 200, note) : send(res, 404, { error: `note '${m[1]}' not found` });
  }
  send(res, 404, { error: `no route ${req.method} ${p}` });
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
