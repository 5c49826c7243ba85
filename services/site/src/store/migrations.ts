import type { Migration } from '@ocopea/sql-store';
import { operationMigrations } from '@ocopea/operations';

/** Tables of the Site (schema `site` on PostgreSQL; the embedded store has the same tables). */
export const siteMigrations: Migration[] = [
  ...operationMigrations,
  {
    id: '0100-site-brokers',
    sql: `
    CREATE TABLE IF NOT EXISTS dsbs (urn text PRIMARY KEY, url text NOT NULL, name text NOT NULL, type text NOT NULL,
      description text, plans jsonb NOT NULL, registered bigint NOT NULL);
    CREATE TABLE IF NOT EXISTS psbs (urn text PRIMARY KEY, url text NOT NULL, name text NOT NULL, type text NOT NULL,
      version text NOT NULL, description text, app_service_id_max_length integer NOT NULL, registered bigint NOT NULL);
    CREATE TABLE IF NOT EXISTS crbs (urn text PRIMARY KEY, url text NOT NULL, name text NOT NULL, type text NOT NULL,
      version text NOT NULL, registered bigint NOT NULL);
    CREATE TABLE IF NOT EXISTS artifact_registries (name text PRIMARY KEY, type text NOT NULL, url text NOT NULL,
      username text, password text);`,
  },
  {
    id: '0101-site-apps',
    sql: `
    CREATE TABLE IF NOT EXISTS app_instances (id text PRIMARY KEY, name text NOT NULL, template_name text NOT NULL,
      template_version text NOT NULL, entry_point_service text, state text NOT NULL, state_message text,
      state_date bigint NOT NULL, launched bigint NOT NULL, entry_point_url text, policies jsonb NOT NULL);
    CREATE TABLE IF NOT EXISTS app_services (app_id text NOT NULL REFERENCES app_instances(id), name text NOT NULL,
      ord integer NOT NULL, spec jsonb NOT NULL, public_url text, state text NOT NULL, state_message text,
      state_date bigint NOT NULL, PRIMARY KEY (app_id, name));
    CREATE TABLE IF NOT EXISTS data_services (app_id text NOT NULL REFERENCES app_instances(id), bind_name text NOT NULL,
      ord integer NOT NULL, service_id text NOT NULL, spec jsonb NOT NULL, binding jsonb, binding_ports jsonb NOT NULL DEFAULT '[]',
      state text NOT NULL, state_message text, state_date bigint NOT NULL, PRIMARY KEY (app_id, bind_name));
    CREATE INDEX IF NOT EXISTS data_services_dsb ON data_services ((spec->>'dsbUrn'));`,
  },
  {
    id: '0102-site-copies',
    sql: `
    CREATE TABLE IF NOT EXISTS app_copies (id text PRIMARY KEY, app_id text NOT NULL, time_stamp bigint NOT NULL,
      state text NOT NULL, state_message text, app_service_copies jsonb NOT NULL, deleted boolean NOT NULL DEFAULT false);
    CREATE INDEX IF NOT EXISTS app_copies_app ON app_copies (app_id, time_stamp);
    CREATE TABLE IF NOT EXISTS ds_copies (app_copy_id text NOT NULL REFERENCES app_copies(id), bind_name text NOT NULL,
      ord integer NOT NULL, dsb_urn text NOT NULL, service_id text NOT NULL, ds_copy_id text NOT NULL, crb_urn text,
      repo_id text, protocol text, protocol_version text, facility text, status text NOT NULL, message text,
      size bigint, checksum text, PRIMARY KEY (app_copy_id, bind_name));
    CREATE TABLE IF NOT EXISTS protection_policies (app_id text NOT NULL, name text NOT NULL, interval_seconds integer NOT NULL,
      retain_count integer, retain_seconds integer, next_run bigint NOT NULL, active boolean NOT NULL,
      PRIMARY KEY (app_id, name));`,
  },
  {
    // Bearer tokens the Site sends to its brokers, by broker URL (the URL is what every broker call starts from).
    // Never returned by any read; the embedded store's files are private to the service user.
    id: '0103-site-broker-credentials',
    sql: `CREATE TABLE IF NOT EXISTS broker_credentials (url text PRIMARY KEY, token text NOT NULL);`,
  },
];
