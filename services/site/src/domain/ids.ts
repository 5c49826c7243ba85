/** Identifiers the Site generates for broker-side objects. */

export const DSB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Data-service instance id at the DSB: the last 50 characters of `{bindName}-{appInstanceId}` (orcs), with characters
 * a DSB id cannot hold replaced by `-` and leading non-alphanumerics stripped, so it matches the DSB id pattern.
 */
export function dataServiceId(bindName: string, appInstanceId: string): string {
  const raw = `${bindName}-${appInstanceId}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(-50);
  return raw.replace(/^[^A-Za-z0-9]+/, '');
}

function clean(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, '-').replace(/[^A-Za-z0-9_.-]/g, '');
}

/**
 * psbAppServiceIds for the app services of one application (orcs `PsbAppServiceIdGenerator`), but within each PSB's
 * own `appServiceIdMaxLength` (orcs hard-coded 50: §7.4). Format `{instance}-{service}{11-digit time suffix}`,
 * chopped to fit; ids are unique within the application.
 */
export function psbAppServiceIds(instanceName: string, services: { name: string; maxLength: number }[], now = Date.now()): Map<string, string> {
  const suffix = String(now).padStart(11, '0').slice(-11);
  const inst = clean(instanceName) || 'app';
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const s of services) {
    const max = Math.max(s.maxLength, 12);
    const budget = max - suffix.length - 1;
    const svc = clean(s.name) || 'svc';
    let base: string;
    if (inst.length + svc.length <= budget) base = `${inst}-${svc}`;
    else if (services.length === 1) base = `${inst}-${svc}`.slice(0, budget + 1);
    else {
      let a = inst.slice(0, Math.ceil(budget / 2));
      if (!a.endsWith('-')) a += '-';
      base = a + svc.slice(0, Math.max(0, budget + 1 - a.length));
    }
    base = base.replace(/^[^A-Za-z0-9]+/, '');
    let id = base + suffix;
    for (let i = 1; taken.has(id); i++) {
      const tail = String(i);
      id = base.slice(0, Math.max(0, base.length - tail.length)) + tail + suffix;
    }
    taken.add(id);
    out.set(s.name, id.slice(0, max));
  }
  return out;
}
