import { BadRequestError } from '@ocopea/errors';
import { checkPlan, compareVersions, proposePlan, protocolMatches, webEntryUrl } from '../src/domain/planning';
import type { AppTemplate } from '../src/domain/model';
import type { SiteDsb } from '../src/domain/site-gateway';
import { notesTemplate } from './helpers';

const template = (): AppTemplate => ({ ...notesTemplate(), id: 't1', deleted: false });

const dsbs: SiteDsb[] = [
  { urn: 'z-pg', name: 'pg', type: 'postgres', plans: [{ id: 'small', name: 's', supportedProtocols: [{ protocolName: 'postgres', protocolVersion: '16' }], dsbSettings: null }] },
  { urn: 'b-fs', name: 'fs', type: 'fs', plans: [
    { id: 'old', name: 'old', supportedProtocols: [{ protocolName: 'fs', protocolVersion: '0.9' }], dsbSettings: { v: 'old' } },
    { id: 'standard', name: 'std', supportedProtocols: [{ protocolName: 'Fs', protocolVersion: '1.2' }], dsbSettings: { v: 'std' } },
  ] },
  { urn: 'a-fs', name: 'fs2', type: 'fs', plans: [{ id: 'p1', name: 'p1', supportedProtocols: [{ protocolName: 'fs', protocolVersion: '2' }], dsbSettings: {} }] },
];
const offer = (d: SiteDsb[]) => ({
  psbs: [{ urn: 'psb-k8s', name: 'k', type: 'k8s', spaces: [{ name: 'x' }] }, { urn: 'psb-p', name: 'p', type: 'Process', spaces: [{ name: 'default' }, { name: 'ORCS' }] }],
  dsbs: d, registries: [{ name: 'local', type: 'customRest' }, { name: 'other', type: 'customRest' }],
});

describe('deployment plan proposal', () => {
  it('matches protocols case-insensitively with a minimum version and is independent of catalog order', () => {
    const a = proposePlan(template(), offer(dsbs));
    const b = proposePlan(template(), offer([...dsbs].reverse()));
    expect(a).toEqual(b);
    // a-fs sorts first by URN and speaks fs 2 >= 1; the 0.9 plan of b-fs would be too old anyway.
    expect(a.dataServices['notes-db']).toEqual({ enabled: true, dsbUrn: 'a-fs', planId: 'p1', protocol: 'fs', dsbSettings: {} });
    expect(a.appServices['notes-svc']).toEqual({ enabled: true, space: 'ORCS', artifactRegistryName: 'local', imageVersion: '1.0.0', psbUrn: 'psb-p' });
  });

  it('skips plans below the minimum version and picks the next matching plan', () => {
    const p = proposePlan(template(), offer(dsbs.filter((d) => d.urn !== 'a-fs')));
    expect(p.dataServices['notes-db']).toMatchObject({ dsbUrn: 'b-fs', planId: 'standard', protocol: 'Fs', dsbSettings: { v: 'std' } });
  });

  it('disables a dependency no DSB serves, and such a plan does not pass the deploy check', () => {
    const p = proposePlan(template(), offer([dsbs[0]]));
    expect(p.dataServices['notes-db']).toEqual({ enabled: false, dsbUrn: null, planId: null, protocol: null, dsbSettings: null });
    expect(() => checkPlan(template(), p)).toThrow(BadRequestError);
  });

  it('rejects a plan whose protocol is not one of the dependency protocols, or that lacks an app service', () => {
    const p = proposePlan(template(), offer(dsbs));
    expect(() => checkPlan(template(), p)).not.toThrow();
    expect(() => checkPlan(template(), { ...p, dataServices: { 'notes-db': { ...p.dataServices['notes-db'], protocol: 'postgres' } } })).toThrow(/none of its dependency/);
    expect(() => checkPlan(template(), { ...p, appServices: {} })).toThrow(/no appServices entry/);
    expect(() => checkPlan(template(), { ...p, dataServices: {} })).toThrow(/no dataServices entry/);
  });

  it('compares versions and builds entry URLs', () => {
    expect(compareVersions('1.10', '1.9')).toBe(1);
    expect(compareVersions('9.6', 'latest')).toBeUndefined();
    expect(protocolMatches({ protocolName: 'postgres', version: '17' }, { protocolName: 'POSTGRES', protocolVersion: '16' })).toBe(false);
    expect(protocolMatches({ protocolName: 'postgres', version: 'x' }, { protocolName: 'postgres', protocolVersion: '16' })).toBe(true);
    expect(webEntryUrl('http://{siteURL}:7000/', 'east.example', '/index.html')).toBe('http://east.example:7000/index.html');
    expect(webEntryUrl(null, 'x', 'a')).toBeNull();
  });
});
