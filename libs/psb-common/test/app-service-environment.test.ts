import { appServiceEnvironment, BINDINGS_ENV } from '../src';

describe('appServiceEnvironment', () => {
  const bindings = {
    'pg-dsb': [{ serviceName: 'notes-db', serviceId: 'notes-db-1', plan: 'standard', bindInfo: { host: '10.0.0.5', port: '5432', uri: 'postgres://u:p@10.0.0.5:5432/db' } }],
    'fs-dsb': [{ serviceName: 'files', bindInfo: { path: '/data/x' } }],
  };

  it('fills ${bind.key} placeholders from bindInfo, several per value', () => {
    const { env, unresolved } = appServiceEnvironment({ DB: '${notes-db.uri}', ADDR: '${notes-db.host}:${notes-db.port}', DIR: '${files.path}', PLAIN: 'x' }, bindings);
    expect(env).toMatchObject({ DB: 'postgres://u:p@10.0.0.5:5432/db', ADDR: '10.0.0.5:5432', DIR: '/data/x', PLAIN: 'x' });
    expect(unresolved).toEqual([]);
  });

  it('reports placeholders it cannot fill and leaves them as written', () => {
    const { env, unresolved } = appServiceEnvironment({ A: '${nope.uri}', B: '${notes-db.nokey}' }, bindings);
    expect(env.A).toBe('${nope.uri}');
    expect(unresolved).toEqual(['${nope.uri}', '${notes-db.nokey}']);
  });

  it('passes all bindings as JSON, also with none', () => {
    expect(JSON.parse(appServiceEnvironment({}, bindings).env[BINDINGS_ENV])).toEqual(bindings);
    expect(appServiceEnvironment(null, null).env[BINDINGS_ENV]).toBe('{}');
  });
});
