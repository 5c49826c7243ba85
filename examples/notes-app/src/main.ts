// notes-app: the sample application PSBs deploy and the end-to-end tests copy and restore.
// Storage from the environment (see config.ts); PORT (default 8080).
import { storageFromEnv } from './config';
import { createNotesServer } from './server';
import { FileNotesStore, MysqlNotesStore, PgNotesStore, type NotesStore } from './store';

async function main(): Promise<void> {
  let store: NotesStore;
  try {
    const cfg = storageFromEnv(process.env);
    store = cfg.kind === 'postgres' ? new PgNotesStore(cfg.uri) : cfg.kind === 'mysql' ? new MysqlNotesStore(cfg.uri) : new FileNotesStore(cfg.dir);
    await store.init();
    process.stdout.write(`notes-app: storing notes in ${cfg.kind} (${cfg.source})\n`);
  } catch (err) {
    process.stderr.write(`notes-app: cannot start: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 8080);
  const server = createNotesServer(store);
  server.listen(port, process.env.HOST ?? '0.0.0.0', () => process.stdout.write(`notes-app listening on ${port}\n`));
  const stop = (sig: string) => {
    process.stdout.write(`notes-app: ${sig}, stopping\n`);
    server.close(() => { void store.close().finally(() => process.exit(0)); });
    server.closeAllConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
