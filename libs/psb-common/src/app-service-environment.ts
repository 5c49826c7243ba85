/** One data-service binding as the Site sends it to a PSB (PSBServiceBindingInfoDTO). */
export interface ServiceBinding {
  /** The data service's bind name (the template dependency name, e.g. `notes-db`). */
  serviceName?: string | null;
  serviceId?: string | null;
  plan?: string | null;
  bindInfo?: Record<string, string> | null;
  ports?: { protocol?: string | null; destination?: string | null; port?: number | null }[] | null;
}

/** Bindings keyed by DSB URN, as in the deploy manifest. */
export type ServiceBindings = Record<string, ServiceBinding[] | null | undefined>;

/** Name of the variable carrying all bindings as JSON (the orcs k8s PSB's name, kept for compatibility). */
export const BINDINGS_ENV = 'NAZ_MS_API_K8S_BINDINGS';
/** Our own, clearer name for the same JSON. */
export const OCOPEA_BINDINGS_ENV = 'OCOPEA_SERVICE_BINDINGS';

/**
 * The environment of an app service: the template's variables with `${<bindName>.<key>}` placeholders filled from the
 * bindings' `bindInfo` (as the orcs Kubernetes PSB did), plus all bindings as JSON. A placeholder naming an unknown
 * binding or key is left as written and reported in `unresolved`, so the PSB can refuse or warn.
 */
export function appServiceEnvironment(
  variables: Record<string, string> | null | undefined,
  bindings: ServiceBindings | null | undefined,
): { env: Record<string, string>; unresolved: string[] } {
  const byName = new Map<string, Record<string, string>>();
  for (const list of Object.values(bindings ?? {})) {
    for (const b of list ?? []) if (b?.serviceName) byName.set(b.serviceName, b.bindInfo ?? {});
  }
  const unresolved: string[] = [];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(variables ?? {})) {
    env[k] = String(v ?? '').replace(/\$\{([^}.]+)\.([^}]+)\}/g, (whole, name: string, key: string) => {
      const value = byName.get(name)?.[key];
      if (value === undefined) { unresolved.push(whole); return whole; }
      return value;
    });
  }
  const json = JSON.stringify(bindings ?? {});
  env[BINDINGS_ENV] = json;
  env[OCOPEA_BINDINGS_ENV] = json;
  return { env, unresolved };
}
