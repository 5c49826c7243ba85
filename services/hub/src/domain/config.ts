/** Timing knobs of the Hub (from env in main.ts; small values in tests). */
export interface HubConfig {
  /** Per-site timeout of the background refresher's calls (HUB_SITE_TIMEOUT_MS, default 2000). */
  siteTimeoutMs: number;
  /** No verdict from the Site within this → instance `unknown` (HUB_DEPLOY_TIMEOUT_MS, default 30 min). */
  deployTimeoutMs: number;
  /** Site unreachable for longer than this while following an instance → `unknown` (HUB_SITE_UNREACHABLE_MS, default 5 min). */
  siteUnreachableMs: number;
  /** Copies (saved images) not done within this → `failed` (HUB_COPY_TIMEOUT_MS, default 30 min). */
  copyTimeoutMs: number;
  /** Longest delay between two polls of a Site (HUB_POLL_MAX_DELAY_MS, default 2000). */
  pollMaxDelayMs: number;
  /** How long a command waits for its operation to have the Site accept the work (default 30 s). */
  commandWaitMs: number;
  /** Sites asked at once by the background refresher (HUB_REFRESH_CONCURRENCY, default 16). */
  refreshConcurrency: number;
}

export const defaultHubConfig: HubConfig = {
  siteTimeoutMs: 2000,
  deployTimeoutMs: 30 * 60_000,
  siteUnreachableMs: 5 * 60_000,
  copyTimeoutMs: 30 * 60_000,
  pollMaxDelayMs: 2000,
  commandWaitMs: 30_000,
  refreshConcurrency: 16,
};
