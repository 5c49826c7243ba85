/**
 * Bounds on what a manifest may put into an app service's environment. A process environment is not free: Linux
 * refuses a single string over 128 KiB and all of argv + environment over about a quarter of the stack limit
 * (E2BIG), and every byte is copied into each process the app starts. Ordinary manifests are far below these.
 */
export const ENVIRONMENT_LIMITS = {
  /** Variables a manifest may set (`environmentVariables`). */
  maxVariables: 256,
  /** Bytes of those variables (names + values, after `${bind.key}` placeholders were filled). */
  maxBytes: 64 * 1024,
  /** Bytes of the service bindings as JSON (passed to the app in `OCOPEA_SERVICE_BINDINGS`). */
  maxBindingsBytes: 64 * 1024,
} as const;

/**
 * Why the environment an app service would get is too large, or undefined when it fits `ENVIRONMENT_LIMITS`.
 * `variables` are the manifest's (before filling), `filled` the same after filling placeholders, `bindingsJson` the
 * bindings as passed to the app.
 */
export function environmentLimitProblem(
  variables: Record<string, unknown> | null | undefined,
  filled: Record<string, string>,
  bindingsJson: string,
): string | undefined {
  const count = Object.keys(variables ?? {}).length;
  if (count > ENVIRONMENT_LIMITS.maxVariables) {
    return `environmentVariables has ${count} entries; at most ${ENVIRONMENT_LIMITS.maxVariables} are accepted`;
  }
  let bytes = 0;
  for (const name of Object.keys(variables ?? {})) bytes += Buffer.byteLength(name) + Buffer.byteLength(filled[name] ?? '') + 2;
  if (bytes > ENVIRONMENT_LIMITS.maxBytes) {
    return `environmentVariables take ${bytes} bytes once placeholders are filled; at most ${ENVIRONMENT_LIMITS.maxBytes} are accepted`;
  }
  const b = Buffer.byteLength(bindingsJson);
  if (b > ENVIRONMENT_LIMITS.maxBindingsBytes) {
    return `serviceBindings take ${b} bytes as JSON; at most ${ENVIRONMENT_LIMITS.maxBindingsBytes} are accepted`;
  }
  return undefined;
}
