import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PsbPaths } from '@ocopea/api';
import { NotFoundError } from '@ocopea/errors';
import { createServiceApp, refuseUpgrade, type Logger } from '@ocopea/service-kit';
import type { K8sPsb } from './domain/k8s-psb';
import { APP_SERVICE_ID_MAX_LENGTH } from './domain/manifests';
import { PodLogFollower } from './domain/pod-logs';
import type { AppServiceState } from './domain/status';

export interface PsbK8sDeps {
  psb: K8sPsb;
  version: string;
  /** How often the logs websocket looks for new pods (default 1000 ms). */
  logPollMs?: number;
}

export const PSB_NAME = 'k8s-psb';
export const PSB_TYPE = 'k8s';

function instanceDto(s: AppServiceState) {
  return {
    name: s.name, status: s.status, statusMessage: s.statusMessage, instances: s.instances,
    psbMetrics: s.psbMetrics, entryPointURL: s.entryPointURL,
  };
}

/** The PSB's HTTP API (every operation of specs/psb.yaml). The logs websocket is attached separately. */
export function createPsbK8sApp(deps: PsbK8sDeps) {
  const { psb } = deps;
  return createServiceApp<PsbPaths>({
    name: 'psb-k8s',
    spec: 'psb',
    health: () => ({ cluster: psb.kc.getCurrentCluster()?.server }),
    routes: (r) => {
      r.get('/psb/info', () => ({
        status: 200,
        body: {
          name: PSB_NAME, version: deps.version, type: PSB_TYPE,
          description: 'Ocopea Kubernetes PaaS broker: each app service is a Deployment plus a Service in the namespace named by its space',
          appServiceIdMaxLength: APP_SERVICE_ID_MAX_LENGTH,
        },
      }));
      r.get('/psb/spaces', async () => ({ status: 200, body: await psb.spaces() }));
      r.get('/psb/app-services', async ({ query }) => ({
        status: 200,
        body: (await psb.list(query.space)).map((s) => ({ space: s.space, appServiceId: s.name, status: s.status, entryPointURL: s.entryPointURL })),
      }));
      r.post('/psb/app-services', async ({ body }) => {
        await psb.deploy(body);
        return { status: 201, body: { status: 0, message: `app service '${body.appServiceId}' accepted in space '${body.space}'` } };
      });
      r.get('/psb/app-services/{space}/{appServiceId}', async ({ params }) => {
        const st = await psb.state(params.space, params.appServiceId);
        if (!st) throw new NotFoundError(`app service '${params.appServiceId}' not found in space '${params.space}'`);
        return { status: 200, body: instanceDto(st) };
      });
      r.delete('/psb/app-services/{space}/{appServiceId}', async ({ params }) => {
        if (!await psb.remove(params.space, params.appServiceId)) {
          throw new NotFoundError(`app service '${params.appServiceId}' not found in space '${params.space}'`);
        }
        return { status: 200, body: { status: 0, message: `app service '${params.appServiceId}' deleted` } };
      });
      r.get('/psb/app-services/{space}/{appServiceId}/logs', async ({ params, req }) => {
        if (!await psb.exists(params.space, params.appServiceId)) {
          throw new NotFoundError(`app service '${params.appServiceId}' not found in space '${params.space}'`);
        }
        const secure = req.secure || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim() === 'https';
        const path = req.originalUrl.split('?')[0].replace(/\/+$/, '');
        return { status: 200, body: { address: `${secure ? 'wss' : 'ws'}://${req.headers.host}${path}/data`, serialization: 'json' as const } };
      });
    },
  });
}

const LOGS_DATA = /^\/psb\/app-services\/([^/]+)\/([^/]+)\/logs\/data\/?$/;

/**
 * Serves the logs websocket at `<logs path>/data` on `server`: each text frame is one JSON
 * `{message, timestamp, messageType, serviceId}` line of the app service's pods. Unknown app services get close code
 * 4404. Returns a function closing every open socket (for shutdown).
 */
export function attachLogsWebSocket(server: Server, deps: PsbK8sDeps, log: Logger, authorize: (req: IncomingMessage) => Promise<unknown>): () => void {
  const wss = new WebSocketServer({ noServer: true });
  const followers = new Set<PodLogFollower>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const m = LOGS_DATA.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m) { socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n'); return; }
    let space: string, id: string;
    try { space = decodeURIComponent(m[1]); id = decodeURIComponent(m[2]); } catch { socket.destroy(); return; }
    // The caller is checked (a viewer may read logs) before anything is upgraded.
    authorize(req).then(() => wss.handleUpgrade(req, socket, head, (ws) => { void serve(ws, space, id); }), (err: unknown) => refuseUpgrade(socket, err));
  });

  async function serve(ws: WebSocket, space: string, id: string): Promise<void> {
    let exists: boolean;
    try { exists = await deps.psb.exists(space, id); } catch (err) {
      log.warn({ err, space, id }, 'logs websocket: cannot reach Kubernetes');
      ws.close(1011, 'Kubernetes API unavailable');
      return;
    }
    if (!exists) { ws.close(4404, `app service '${id}' not found in space '${space}'`); return; }
    const follower = new PodLogFollower(deps.psb, deps.psb.kc, space, id, (line) => {
      if (ws.readyState === ws.OPEN) {
        ws.send(JSON.stringify({ message: line.message, timestamp: line.timestamp, messageType: line.messageType, serviceId: line.serviceId }));
      }
    }, (err) => log.debug({ err, space, id }, 'logs websocket: following pod logs failed (retrying)'), { pollMs: deps.logPollMs });
    followers.add(follower);
    ws.on('close', () => { follower.stop(); followers.delete(follower); });
    ws.on('error', () => { follower.stop(); followers.delete(follower); });
    ws.on('message', () => undefined); // the server only sends
    follower.start();
  }

  return () => {
    for (const f of followers) f.stop();
    followers.clear();
    for (const c of wss.clients) c.terminate();
    wss.close();
  };
}
