// OCOPEA_SITE_LOCATION is what GET /site/info reports as the location: a bad value stops the Site at start-up.
import { locationFromEnv } from '../src/location-from-env';

describe('locationFromEnv', () => {
  it('is null when unset or blank', () => {
    expect(locationFromEnv(undefined)).toBeNull();
    expect(locationFromEnv(' ')).toBeNull();
  });

  it('reads a location with or without properties', () => {
    expect(locationFromEnv('{"name":"tlv","latitude":32.1,"longitude":34.8}')).toEqual({ name: 'tlv', latitude: 32.1, longitude: 34.8 });
    expect(locationFromEnv('{"name":"a","latitude":0,"longitude":1,"properties":{"zone":"b"}}')?.properties).toEqual({ zone: 'b' });
  });

  it('refuses what is not JSON or not a location, quoting the value', () => {
    expect(() => locationFromEnv('tlv')).toThrow(/OCOPEA_SITE_LOCATION must be JSON .*got 'tlv'/);
    expect(() => locationFromEnv('[1,2]')).toThrow(/not an object/);
    expect(() => locationFromEnv('{"name":"a","latitude":"32","longitude":1}')).toThrow(/latitude and longitude numbers/);
    expect(() => locationFromEnv('{"name":"a","latitude":1,"longitude":1,"properties":{"n":1}}')).toThrow(/properties must map names to strings/);
  });
});
