// What the Hub knows of each Site's reachability, in memory, so that a view never reads a Site nor writes the store.
import type { HubSite, SiteStatus } from './model';

/** The part of the store the book persists to. */
export interface SiteStatusStore {
  listSites(): Promise<HubSite[]>;
  setSiteStatus(id: string, status: SiteStatus, at?: number): Promise<void>;
}

/** Persist a reachable Site's `lastSeen` at most this often (a restart then shows a value at most this stale). */
const PERSIST_EVERY_MS = 60_000;

interface Entry { status: SiteStatus; lastSeen: number | null; persistedStatus: SiteStatus; persistedAt: number | null }

/**
 * Status and last confirmation (`lastSeen`, shown as `asOf`) of every Site. The refresher and the operations that
 * follow a Site report each answer or silence here; the store is written when a status changes and, for a reachable
 * Site, at most once a minute — never for every poll (100 Sites polled every few seconds would otherwise be a write
 * stream on the embedded store, which syncs to disk after each statement).
 */
export class SiteStatusBook {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly store: SiteStatusStore) {}

  /** Takes the persisted status of every Site (at start). */
  async load(): Promise<void> {
    for (const s of await this.store.listSites()) this.track(s);
  }

  /** Starts tracking a Site (just added, or read from the store) unless it is known already. */
  track(s: HubSite): void {
    if (!this.entries.has(s.id)) this.entries.set(s.id, { status: s.status, lastSeen: s.lastSeen, persistedStatus: s.status, persistedAt: s.lastSeen });
  }

  /** The Site answered. */
  async confirmed(siteId: string, at = Date.now()): Promise<void> {
    const e = this.entries.get(siteId);
    if (!e) return;
    e.status = 'reachable';
    e.lastSeen = Math.max(e.lastSeen ?? 0, at);
    if (e.persistedStatus !== 'reachable' || e.persistedAt === null || at - e.persistedAt >= PERSIST_EVERY_MS) await this.persist(siteId, e);
  }

  /** The Site did not answer (or answered as no Site would). */
  async lost(siteId: string): Promise<void> {
    const e = this.entries.get(siteId);
    if (!e) return;
    e.status = 'unreachable';
    if (e.persistedStatus !== 'unreachable') await this.persist(siteId, e);
  }

  forget(siteId: string): void { this.entries.delete(siteId); }

  /** The Site as the Hub knows it now: the store's record with the book's status and `lastSeen`. */
  view(s: HubSite): HubSite {
    const e = this.entries.get(s.id);
    return e ? { ...s, status: e.status, lastSeen: e.lastSeen } : s;
  }

  reachable(siteId: string): boolean { return this.entries.get(siteId)?.status === 'reachable'; }
  lastSeen(siteId: string): number | null { return this.entries.get(siteId)?.lastSeen ?? null; }

  private async persist(siteId: string, e: Entry): Promise<void> {
    const before = { status: e.persistedStatus, at: e.persistedAt };
    // Marked before the write, so two answers in a row do not both write; undone if the write fails, so the next
    // answer writes again.
    e.persistedStatus = e.status;
    if (e.status === 'reachable') e.persistedAt = e.lastSeen;
    try {
      await this.store.setSiteStatus(siteId, e.status, e.lastSeen ?? undefined);
    } catch (err) {
      e.persistedStatus = before.status;
      e.persistedAt = before.at;
      throw err;
    }
  }
}
