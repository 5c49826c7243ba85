import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

// No Kubernetes cluster or Docker engine runs in CI; these checks keep the manifests and the compose file honest:
// every object is well-formed, names the services that exist, and Services select pods that some workload creates.
const ROOT = path.resolve(__dirname, '../../..');
const SERVICES = new Set(readdirSync(path.join(ROOT, 'services')));
type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown> };

describe('k8s/ manifests', () => {
  const docs: Obj[] = readdirSync(path.join(ROOT, 'k8s')).filter((f) => f.endsWith('.yaml')).flatMap((f) =>
    parseAllDocuments(readFileSync(path.join(ROOT, 'k8s', f), 'utf8')).map((d) => {
      if (d.errors.length) throw new Error(`${f}: ${d.errors[0].message}`);
      return d.toJS() as Obj;
    }));
  const workloads = docs.filter((d) => ['Deployment', 'StatefulSet', 'Job'].includes(d.kind ?? ''));
  type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
  const podSpec = (w: Obj) => (w.spec as { template: { spec: { containers: { image: string; env?: EnvVar[] }[]; serviceAccountName?: string } } }).template.spec;
  const podLabels = (w: Obj) => (w.spec as { template: { metadata?: { labels?: Record<string, string> } } }).template.metadata?.labels ?? {};

  it('every object has apiVersion, kind and a name', () => {
    expect(docs.length).toBeGreaterThan(10);
    for (const d of docs) expect([d.apiVersion, d.kind, d.metadata?.name].every(Boolean)).toBe(true);
  });

  it('every Ocopea container names an existing service, and hub, site, crb-fs, dsb-postgres and psb-k8s are all deployed', () => {
    const deployed = new Set<string>();
    for (const w of workloads) for (const c of podSpec(w).containers) {
      const svc = c.env?.find((e) => e.name === 'OCOPEA_SERVICE')?.value;
      if (svc) { expect(SERVICES.has(svc)).toBe(true); deployed.add(svc); }
    }
    expect([...deployed].sort()).toEqual(['crb-fs', 'dsb-postgres', 'hub', 'psb-k8s', 'site']);
  });

  it('every Ocopea service runs authenticated with its own admin token from the Secret, listening beyond loopback on purpose', () => {
    const keys = new Set<string>();
    for (const w of workloads) for (const c of podSpec(w).containers) {
      const env = c.env ?? [];
      if (!env.some((e) => e.name === 'OCOPEA_SERVICE')) continue;
      const token = env.find((e) => e.name === 'OCOPEA_ADMIN_TOKEN');
      expect(token?.value).toBeUndefined(); // never a literal token in a manifest
      expect(token?.valueFrom?.secretKeyRef?.name).toBe('ocopea-tokens');
      keys.add(token!.valueFrom!.secretKeyRef!.key);
      expect(env.find((e) => e.name === 'OCOPEA_HOST')?.value).toBe('0.0.0.0');
      expect(env.find((e) => e.name === 'OCOPEA_AUTH')).toBeUndefined();
    }
    expect(keys.size).toBe(5); // one token per service
    const hub = docs.find((d) => d.kind === 'Service' && d.metadata?.name === 'hub');
    expect((hub!.spec as { type?: string }).type ?? 'ClusterIP').toBe('ClusterIP');
  });

  it('dsb-postgres keeps its instance registry on a persistent volume', () => {
    const dsb = workloads.find((w) => w.metadata?.name === 'dsb-postgres')!;
    expect(dsb.kind).toBe('StatefulSet');
    expect(JSON.stringify(dsb.spec)).not.toContain('emptyDir');
    expect((dsb.spec as { volumeClaimTemplates?: unknown[] }).volumeClaimTemplates?.length).toBe(1);
  });

  it('every Service selects the pods of some workload', () => {
    for (const s of docs.filter((d) => d.kind === 'Service')) {
      const sel = (s.spec as { selector: Record<string, string> }).selector;
      expect(workloads.some((w) => Object.entries(sel).every(([k, v]) => podLabels(w)[k] === v))).toBe(true);
    }
  });

  it('psb-k8s runs under a service account bound to a role that can manage deployments, services and read pod logs', () => {
    const psb = workloads.find((w) => w.metadata?.name === 'psb-k8s')!;
    const sa = podSpec(psb).serviceAccountName;
    expect(docs.some((d) => d.kind === 'ServiceAccount' && d.metadata?.name === sa)).toBe(true);
    const binding = docs.find((d) => d.kind === 'ClusterRoleBinding') as unknown as { roleRef: { name: string }; subjects: { name: string }[] };
    expect(binding.subjects.map((s) => s.name)).toContain(sa);
    const role = docs.find((d) => d.kind === 'ClusterRole' && d.metadata?.name === binding.roleRef.name) as unknown as { rules: { resources: string[]; verbs: string[] }[] };
    const can = (res: string, verb: string) => role.rules.some((r) => r.resources.includes(res) && r.verbs.includes(verb));
    expect(can('deployments', 'create') && can('deployments', 'delete') && can('services', 'create') && can('pods/log', 'get') && can('namespaces', 'list')).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; volumes?: string[] }> };

  it('runs the Hub and two Sites, each with crb-fs, dsb-fs, dsb-postgres, dsb-mariadb and psb-process, all existing services', () => {
    const kinds = Object.values(compose.services).map((s) => s.environment?.OCOPEA_SERVICE).filter(Boolean) as string[];
    for (const k of kinds) expect(SERVICES.has(k)).toBe(true);
    const count = (k: string) => kinds.filter((x) => x === k).length;
    expect([count('hub'), count('site'), count('crb-fs'), count('dsb-fs'), count('dsb-postgres'), count('dsb-mariadb'), count('psb-process')]).toEqual([1, 2, 2, 2, 2, 2, 2]);
  });

  it('gives every Ocopea service its own token from the env file, and the setup step every token it registers with', () => {
    const tokens = new Set<string>();
    for (const s of Object.values(compose.services)) {
      if (!s.environment?.OCOPEA_SERVICE) continue;
      const t = s.environment.OCOPEA_ADMIN_TOKEN;
      expect(t).toMatch(/^\$\{[A-Z_]+_TOKEN:\?/); // from deploy/tokens.env, refused when missing
      tokens.add(t.split(':')[0]);
      expect(s.environment.OCOPEA_HOST).toBe('0.0.0.0');
    }
    expect(tokens.size).toBe(13);
    const setup = compose.services.setup.environment!;
    expect(Object.keys(setup).filter((k) => k.includes('TOKEN')).length).toBe(13);
    // deploy/make-tokens.sh makes every one of them, and the MariaDB root password the dsb-mariadb services log in with
    const made = readFileSync(path.join(ROOT, 'deploy/make-tokens.sh'), 'utf8');
    for (const t of [...tokens].map((x) => x.slice(2, -'_TOKEN'.length))) expect(made).toMatch(new RegExp(`\\b${t}\\b`));
    expect(made).toMatch(/\bMARIADB_ROOT\b/);
    expect(compose.services.mariadb.environment!.MARIADB_ROOT_PASSWORD).toMatch(/^\$\{MARIADB_ROOT_TOKEN:\?/);
  });

  it('mounts files that exist', () => {
    for (const s of Object.values(compose.services)) for (const v of s.volumes ?? []) {
      if (v.startsWith('./')) expect(existsSync(path.join(ROOT, v.split(':')[0]))).toBe(true);
    }
  });
});
