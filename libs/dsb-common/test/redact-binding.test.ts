import { redactBinding, redactUrlPassword, REDACTED } from '../src/redact-binding';
import { maySeeSecrets } from '@ocopea/service-kit';
import type { IncomingMessage } from 'node:http';

describe('binding redaction for readers below admin', () => {
  it('keeps every field name, hides secret-looking values and the password inside URLs', () => {
    const b = {
      host: 'db.example', port: '5432', database: 'orders', username: 'app_1', password: 'p@ss:w/rd',
      uri: 'postgresql://app_1:s3cr3t@db.example:5432/orders?sslmode=disable', apiToken: 'tok', secretKey: 'k', path: '/data/vol',
    };
    const r = redactBinding(b);
    expect(Object.keys(r)).toEqual(Object.keys(b));
    expect(r).toEqual({
      host: 'db.example', port: '5432', database: 'orders', username: 'app_1', password: REDACTED,
      uri: `postgresql://app_1:${REDACTED}@db.example:5432/orders?sslmode=disable`, apiToken: REDACTED, secretKey: REDACTED, path: '/data/vol',
    });
    expect(JSON.stringify(r)).not.toMatch(/s3cr3t|p@ss/);
  });

  it('leaves URLs without a password, and non-URLs, as they are', () => {
    expect(redactUrlPassword('http://host:8080/x')).toBe('http://host:8080/x');
    expect(redactUrlPassword('postgres://user@host/db')).toBe('postgres://user@host/db');
    expect(redactUrlPassword('a:b@c')).toBe('a:b@c');
    expect(redactUrlPassword('mysql://:pw@host/db')).toBe(`mysql://:${REDACTED}@host/db`);
  });

  it('only an admin principal (not a grant, not a viewer or operator) may see secrets', () => {
    const req = (principal: unknown) => ({ principal } as unknown as IncomingMessage);
    expect(maySeeSecrets(req({ name: 'site', role: 'admin', via: 'token' }))).toBe(true);
    expect(maySeeSecrets(req({ name: 'dev', role: 'operator', via: 'token' }))).toBe(false);
    expect(maySeeSecrets(req({ name: 'ci', role: 'viewer', via: 'oidc' }))).toBe(false);
    expect(maySeeSecrets(req({ name: 'grant:x', role: 'admin', via: 'grant', allows: () => true }))).toBe(false);
    expect(maySeeSecrets(req(undefined))).toBe(false);
  });
});
