import type { SiteConfig } from './domain/config';

/** OCOPEA_SITE_LOCATION: the Site's location as JSON (`{"name":"tlv","latitude":32.1,"longitude":34.8}`), or null. */
export function locationFromEnv(raw: string | undefined): SiteConfig['location'] {
  if (!raw?.trim()) return null;
  const bad = (why: string) => new Error(`OCOPEA_SITE_LOCATION must be JSON {name, latitude, longitude, properties?}: ${why}, got '${raw}'`);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw bad((err as Error).message);
  }
  const o = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('not an object');
  if (typeof o.name !== 'string' || typeof o.latitude !== 'number' || typeof o.longitude !== 'number') throw bad('name must be a string, latitude and longitude numbers');
  if (o.properties !== undefined && (typeof o.properties !== 'object' || o.properties === null || Object.values(o.properties).some((p) => typeof p !== 'string'))) {
    throw bad('properties must map names to strings');
  }
  return o as SiteConfig['location'];
}
