import type { Request } from 'express';

/**
 * The URL the CRB is reached at, used in every URL it answers (`repoURL`, `copyURL`, `copyDataURL`): the public URL
 * when configured (`OCOPEA_PUBLIC_URL`), else `http://<Host header><basePath>` of the request.
 */
export function crbUrlOf(req: Request, basePath: string, publicUrl?: string): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const host = req.get('host') ?? 'localhost';
  return `http://${host}${basePath === '/' ? '' : basePath}`;
}
