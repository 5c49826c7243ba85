import type { Migration } from '@ocopea/sql-store';

/** Tables of the operation engine; include them in the service's migration list. */
export const operationMigrations: Migration[] = [
  {
    id: '0001-operations',
    sql: `CREATE TABLE IF NOT EXISTS operations (
      id text PRIMARY KEY,
      kind text NOT NULL,
      subject text NOT NULL,
      phase text NOT NULL,
      step text,
      steps jsonb NOT NULL,
      progress_completed integer NOT NULL DEFAULT 0,
      progress_total integer NOT NULL,
      input jsonb NOT NULL,
      state jsonb NOT NULL,
      error text,
      attempts integer NOT NULL DEFAULT 0,
      lease_owner text,
      lease_until bigint NOT NULL DEFAULT 0,
      created bigint NOT NULL,
      updated bigint NOT NULL
    );
    CREATE INDEX IF NOT EXISTS operations_subject ON operations (subject, created);
    CREATE INDEX IF NOT EXISTS operations_open ON operations (phase) WHERE phase IN ('pending', 'running');`,
  },
  {
    // When each step started and finished (epoch ms), for the operation views: `{"<step>": {"started": n, "finished": n}}`.
    id: '0002-operation-step-times',
    sql: `ALTER TABLE operations ADD COLUMN IF NOT EXISTS step_times jsonb NOT NULL DEFAULT '{}'::jsonb;`,
  },
];
