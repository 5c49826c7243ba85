import { ApiClient, type ApiClientOptions } from './api-client';
import type { paths as DsbPaths } from './generated/dsb';
import type { paths as CrbPaths } from './generated/crb';
import type { paths as PsbPaths } from './generated/psb';
import type { paths as SitePaths } from './generated/site';
import type { paths as HubPaths } from './generated/hub';

export type { DsbPaths, CrbPaths, PsbPaths, SitePaths, HubPaths };
export type * as dsb from './generated/dsb';
export type * as crb from './generated/crb';
export type * as psb from './generated/psb';
export type * as site from './generated/site';
export type * as hub from './generated/hub';

/** Client of a Data Service Broker at its registered URL (e.g. `http://host:8081/dsb`). */
export type DsbClient = ApiClient<DsbPaths>;
/** Client of a Copy Repository Broker at its registered URL (e.g. `http://host:8082/crb`). */
export type CrbClient = ApiClient<CrbPaths>;
/** Client of a PaaS Broker at its registered URL (paths begin `/psb`). */
export type PsbClient = ApiClient<PsbPaths>;
/** Client of a Site at its URL (e.g. `http://host:8080/site-api`). */
export type SiteClient = ApiClient<SitePaths>;
/** Client of the Hub at its URL (e.g. `http://host:8090/hub-api`). */
export type HubClient = ApiClient<HubPaths>;

export const dsbClient = (url: string, o?: ApiClientOptions): DsbClient => new ApiClient<DsbPaths>(url, o);
export const crbClient = (url: string, o?: ApiClientOptions): CrbClient => new ApiClient<CrbPaths>(url, o);
export const psbClient = (url: string, o?: ApiClientOptions): PsbClient => new ApiClient<PsbPaths>(url, o);
export const siteClient = (url: string, o?: ApiClientOptions): SiteClient => new ApiClient<SitePaths>(url, o);
export const hubClient = (url: string, o?: ApiClientOptions): HubClient => new ApiClient<HubPaths>(url, o);
