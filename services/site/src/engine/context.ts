import { waitFor } from '@ocopea/operations';
import type { Brokers, CopyGrantRequest } from '../domain/brokers';
import type { WaitTracker } from '../domain/wait-tracker';
import type { LogBus } from '../domain/log-bus';
import type { SiteRepository } from '../domain/site-repository';

/** Tunables of the background work (defaults suit embedded brokers and real ones alike). */
export interface WorkSettings {
  /** First delay between broker polls (ms). */
  pollInitialMs: number;
  /** Poll delays double up to this (ms). */
  pollMaxMs: number;
  /** Give up waiting for a data service to run after this long (ms). */
  dataServiceTimeoutMs: number;
  /** Give up waiting for an app service to run after this long (orcs default 900 s). */
  appServiceTimeoutMs: number;
  /** After a restart during a DSB copy: how long to wait for that copy to land at the CRB before asking again (ms). */
  copyResumeGraceMs: number;
}

export const DEFAULT_WORK_SETTINGS: WorkSettings = {
  pollInitialMs: 10, pollMaxMs: 100, dataServiceTimeoutMs: 600_000, appServiceTimeoutMs: 900_000, copyResumeGraceMs: 10_000,
};

/** What operation steps work with. */
export interface WorkContext {
  store: SiteRepository;
  brokers: Brokers;
  bus: LogBus;
  tracker: WaitTracker;
  settings: WorkSettings;
}

/** Polls with backoff; the whole wait counts as time spent waiting on brokers. */
export function poll<T>(ctx: WorkContext, probe: () => Promise<T | undefined>, what: string, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return ctx.tracker.track(() => waitFor(probe, {
    initialDelayMs: ctx.settings.pollInitialMs, maxDelayMs: ctx.settings.pollMaxMs, timeoutMs, signal, what,
  }));
}

/**
 * The CRB URL a DSB gets in `copyRepoCredentials` for one copy: the CRB's registered URL plus a scoped credential
 * (a `/cap/<token>` prefix) that allows exactly this copy, never the Site's own token for the CRB. A DSB that knows
 * nothing of tokens builds its requests under that URL unchanged. A CRB without grants (orcs) gets its plain URL.
 */
export async function scopedCrbUrl(ctx: WorkContext, crbUrl: string, g: CopyGrantRequest): Promise<string> {
  const grant = await ctx.brokers.crb(crbUrl).grant(g);
  return grant ? crbUrl + grant.pathPrefix : crbUrl;
}

export const msg = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Current URL of a broker: its registration now (it may have moved), else the one recorded at deploy time. */
export async function dsbUrl(ctx: WorkContext, urn: string, recorded: string): Promise<string> {
  return (await ctx.store.getDsb(urn))?.url ?? recorded;
}
export async function psbUrl(ctx: WorkContext, urn: string, recorded: string): Promise<string> {
  return (await ctx.store.listPsbs()).find((p) => p.urn === urn)?.url ?? recorded;
}
