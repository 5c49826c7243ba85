/** Configuration of this Site (from the environment). */
export interface SiteConfig {
  name: string;
  version: string;
  publicDNS: string | null;
  location: { latitude: number; longitude: number; name: string; properties?: Record<string, string> } | null;
}
