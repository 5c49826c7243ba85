import { appServiceEnvironment, BINDINGS_ENV, ENVIRONMENT_LIMITS, environmentLimitProblem } from '../src';

const check = (vars: Record<string, string>, bindings: Record<string, { serviceName: string; bindInfo: Record<string, string> }[]> = {}) => {
  const { env } = appServiceEnvironment(vars, bindings);
  return environmentLimitProblem(vars, env, env[BINDINGS_ENV]);
};

describe('environmentLimitProblem', () => {
  it('accepts an ordinary environment, up to the limits', () => {
    expect(check({ A: 'x', B: '${db.uri}' }, { dsb: [{ serviceName: 'db', bindInfo: { uri: 'postgres://u:p@h/d' } }] })).toBeUndefined();
    const many = Object.fromEntries(Array.from({ length: ENVIRONMENT_LIMITS.maxVariables }, (_, i) => [`V${i}`, 'x']));
    expect(check(many)).toBeUndefined();
  });

  it('refuses too many variables, too many bytes, and bytes grown by filling placeholders', () => {
    const many = Object.fromEntries(Array.from({ length: ENVIRONMENT_LIMITS.maxVariables + 1 }, (_, i) => [`V${i}`, 'x']));
    expect(check(many)).toMatch(/257 entries; at most 256/);
    expect(check({ BIG: 'x'.repeat(ENVIRONMENT_LIMITS.maxBytes) })).toMatch(/at most 65536 are accepted/);
    // 100 placeholders of 1 KiB each: small as written, 100 KiB once filled.
    const amplified = { A: '${db.blob}'.repeat(100) };
    expect(check(amplified, { dsb: [{ serviceName: 'db', bindInfo: { blob: 'b'.repeat(1024) } }] })).toMatch(/once placeholders are filled/);
  });

  it('refuses service bindings whose JSON is too large', () => {
    expect(check({}, { dsb: [{ serviceName: 'db', bindInfo: { blob: 'b'.repeat(ENVIRONMENT_LIMITS.maxBindingsBytes) } }] })).toMatch(/serviceBindings take \d+ bytes/);
  });
});
