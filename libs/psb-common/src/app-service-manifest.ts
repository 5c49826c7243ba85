import type { ServiceBindings } from './app-service-environment';

/**
 * What the Site asks a PSB to run: its deploy manifest (the wire `AppServiceManifestDTO`), mapped from the generated
 * type at each PSB's router. One definition for every PSB; a PSB ignores the fields it has no use for (psb-process
 * has no routes or exposed ports).
 */
export interface AppServiceManifest {
  appServiceId: string;
  space: string;
  imageName: string;
  imageVersion?: string | null;
  environmentVariables?: Record<string, string> | null;
  artifactRegistryType?: string | null;
  artifactRegistryParameters?: Record<string, string> | null;
  psbSettings?: Record<string, string> | null;
  route?: string | null;
  exposedPorts?: number[] | null;
  httpPort?: number | null;
  serviceBindings?: ServiceBindings | null;
}
