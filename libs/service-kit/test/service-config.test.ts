// envNumber: every service's numeric settings are read through it, so a typo stops the service at start-up.
import { envNumber, instanceIdFromEnv, servicePort } from '../src/service-config';

describe('envNumber', () => {
  const env = (v: string | undefined): NodeJS.ProcessEnv => (v === undefined ? {} : { X_MS: v });

  it('is undefined when unset, empty or blank, so the caller default applies', () => {
    expect(envNumber('X_MS', {}, env(undefined))).toBeUndefined();
    expect(envNumber('X_MS', {}, env(''))).toBeUndefined();
    expect(envNumber('X_MS', {}, env('  '))).toBeUndefined();
  });

  it('reads numbers within the bounds', () => {
    expect(envNumber('X_MS', {}, env('0'))).toBe(0);
    expect(envNumber('X_MS', {}, env(' 250 '))).toBe(250);
    expect(envNumber('X_MS', { max: 9 }, env('9'))).toBe(9);
    expect(envNumber('X_MS', { integer: false }, env('0.5'))).toBe(0.5);
  });

  it('refuses what is not a number, a fraction where whole numbers are wanted, or out of range, naming the variable', () => {
    expect(() => envNumber('X_MS', {}, env('abc'))).toThrow("X_MS must be an integer >= 0, got 'abc'");
    expect(() => envNumber('X_MS', {}, env('1.5'))).toThrow("X_MS must be an integer >= 0, got '1.5'");
    expect(() => envNumber('X_MS', {}, env('-1'))).toThrow("X_MS must be an integer >= 0, got '-1'");
    expect(() => envNumber('X_MS', { min: 1 }, env('0'))).toThrow("X_MS must be an integer >= 1, got '0'");
    expect(() => envNumber('X_MS', { max: 9 }, env('10'))).toThrow("X_MS must be an integer 0..9, got '10'");
    expect(() => envNumber('X_MS', { integer: false }, env('Infinity'))).toThrow("X_MS must be a number >= 0, got 'Infinity'");
    expect(() => envNumber('X_MS', { integer: false }, env('12ms'))).toThrow(/got '12ms'/);
  });

  it('servicePort reads PORT through it', () => {
    const before = process.env.PORT;
    try {
      delete process.env.PORT;
      expect(servicePort(8080)).toBe(8080);
      process.env.PORT = '9001';
      expect(servicePort(8080)).toBe(9001);
      process.env.PORT = '70000';
      expect(() => servicePort(8080)).toThrow("PORT must be an integer 0..65535, got '70000'");
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
    }
  });
});

describe('instanceIdFromEnv', () => {
  it('is the random id the starter gave, or undefined; anything that does not look random is refused', () => {
    expect(instanceIdFromEnv({})).toBeUndefined();
    expect(instanceIdFromEnv({ OCOPEA_INSTANCE_ID: '' })).toBeUndefined();
    expect(instanceIdFromEnv({ OCOPEA_INSTANCE_ID: '0f8fad5b-d9cb-469f-a165-70867728950e' })).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    for (const bad of ['short', 'db.internal.example.com', 'has space in it 12345', 'x'.repeat(65)]) {
      expect(() => instanceIdFromEnv({ OCOPEA_INSTANCE_ID: bad })).toThrow(/OCOPEA_INSTANCE_ID must be a random id of 16 to 64 characters/);
    }
  });
});
