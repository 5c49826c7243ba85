import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { refuseUpgrade } from '@ocopea/service-kit';
import { peerTlsOptions } from '@ocopea/api';
import type { Brokers } from '../domain/brokers';
import type { LogBus } from '../domain/log-bus';
import type { SiteMessageSource } from './logs-source';

const PATH = /^(.*)\/site\/app-instance\/([^/]+)\/logs(?:\/data)?\/?$/;

/**
 * The application log socket (`ws://host/site-api/site/app-instance/{id}/logs`, also `.../logs/data`): deployment
 * progress from the LogBus plus the lines of the app services' PSB log sockets, each frame a JSON SiteLogMessageDTO.
 */
export function attachLogSockets(server: Server, basePath: string, deps: {
  bus: LogBus; brokers: Brokers; source: SiteMessageSource;
  /** The kit's check of the caller (the role of getAppInstanceLogs), before anything is upgraded or looked up. */
  authorize: (req: IncomingMessage) => Promise<unknown>;
}): () => void {
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const m = PATH.exec((req.url ?? '').split('?')[0]);
    if (!m || m[1] !== (basePath === '/' ? '' : basePath)) { socket.destroy(); return; }
    const appId = decodeURIComponent(m[2]);
    void deps.authorize(req).then(() => deps.source.appServices(appId)).then((services) => {
      if (!services) { socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n'); socket.destroy(); return; }
      wss.handleUpgrade(req, socket, head, (ws) => relay(ws, appId, services, deps));
    }, (err: unknown) => refuseUpgrade(socket, err));
  };
  server.on('upgrade', onUpgrade);
  return () => { server.off('upgrade', onUpgrade); for (const c of wss.clients) c.terminate(); wss.close(); };
}

function relay(ws: WebSocket, appId: string, services: { name: string; psbUrl: string; space: string; psbAppServiceId: string; state: string; appState: string }[], deps: { bus: LogBus; brokers: Brokers }): void {
  const send = (m: unknown) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m)); };
  const upstreams: WebSocket[] = [];
  const unsubscribe = deps.bus.subscribe(appId, send);
  if (services[0]) send({ message: `Application is in state ${services[0].appState}`, timestamp: Date.now(), messageType: 'out', tags: [] });
  for (const s of services) {
    if (s.state !== 'deployed' && s.state !== 'deploying') continue;
    void deps.brokers.psb(s.psbUrl).logs(s.space, s.psbAppServiceId).then(({ address }) => {
      if (ws.readyState !== WebSocket.OPEN || !address) return;
      // The PSB's log socket needs the PSB's credential, as every other call to it.
      const token = deps.brokers.tokenOf?.(s.psbUrl);
      const up = new WebSocket(address, { ...peerTlsOptions(), ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
      upstreams.push(up);
      up.on('message', (data) => {
        let m: { message?: unknown; timestamp?: unknown; messageType?: unknown } = {};
        try { m = JSON.parse(String(data)); } catch { m = { message: String(data) }; }
        send({ message: String(m.message ?? ''), timestamp: typeof m.timestamp === 'number' ? m.timestamp : Date.now(), messageType: m.messageType === 'err' ? 'err' : 'out', tags: [s.name] });
      });
      up.on('error', () => undefined);
    }, (err: Error) => send({ message: `cannot read the logs of ${s.name}: ${err.message}`, timestamp: Date.now(), messageType: 'err', tags: [s.name] }));
  }
  ws.on('close', () => { unsubscribe(); for (const u of upstreams) u.terminate(); });
  ws.on('error', () => undefined);
}
