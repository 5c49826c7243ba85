import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/** What `ocopea login` stores. The token never leaves this file except as a bearer header to `hubUrl`. */
export interface CliConfig {
  hubUrl?: string;
  token?: string;
  /** The user id the CLI sends where the Hub asks for one (`userId`, `creatorUserId`); made at first login. */
  userId?: string;
}

type Env = Record<string, string | undefined>;

/** `$XDG_CONFIG_HOME/ocopea`, else `~/.config/ocopea`. */
export function configDir(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'ocopea');
}

export function configFile(env: Env = process.env): string {
  return path.join(configDir(env), 'config.json');
}

/** The stored login, or `{}` when there is none. */
export function readConfig(env: Env = process.env): CliConfig {
  let text: string;
  try { text = readFileSync(configFile(env), 'utf8'); } catch { return {}; }
  const parsed: unknown = JSON.parse(text);
  return parsed && typeof parsed === 'object' ? (parsed as CliConfig) : {};
}

/**
 * Writes the config with the folder 0700 and the file 0600 (chmod too: `mkdir`/`writeFile` modes are masked by the
 * umask and do not change what exists), through a temporary file renamed into place.
 */
export function writeConfig(cfg: CliConfig, env: Env = process.env): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = configFile(env);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

export function newUserId(): string { return randomUUID(); }
