import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { refuseUpgrade } from '@ocopea/service-kit';
import { followLogs } from '../domain/log-follower';
import type { ProcessSupervisor } from '../domain/supervisor';

const LOGS_PATH = /^\/psb\/app-services\/([^/]+)\/([^/]+)\/logs\/data\/?$/;

export interface LogsSocketOptions {
  tailLines: number; pollMs: number;
  /** The kit's check of the caller, before anything is upgraded or looked up (a viewer may read logs). */
  authorize: (req: IncomingMessage) => Promise<unknown>;
}

/**
 * Serves `ws://host/psb/app-services/{space}/{id}/logs/data` (the `address` the logs operation answers): the recent
 * tail of the app service's stdout/stderr, then every new line, as JSON `PSBLogMessageDTO` text frames. The server
 * only sends. The socket closes (1000) when the app service is removed; upgrades for unknown ids get HTTP 404.
 */
export function attachLogsSocket(server: Server, sup: ProcessSupervisor, o: LogsSocketOptions): { close(): void } {
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    o.authorize(req).then(() => upgrade(req, socket, head), (err: unknown) => refuseUpgrade(socket, err));
  };
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const m = LOGS_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m) return reject(socket, 404, 'Not Found', 'no such websocket route (logs are at /psb/app-services/{space}/{appServiceId}/logs/data)');
    let space: string, id: string;
    try { space = decodeURIComponent(m[1]); id = decodeURIComponent(m[2]); } catch { return reject(socket, 400, 'Bad Request', 'malformed percent-encoding in the logs path'); }
    if (!sup.has(space, id)) return reject(socket, 404, 'Not Found', `app service '${id}' not found in space '${space}'`);
    wss.handleUpgrade(req, socket, head, (ws) => stream(ws, space, id));
  };
  const stream = (ws: WebSocket, space: string, id: string) => {
    let files: { out: string; err: string };
    try { files = sup.logFiles(space, id); } catch { ws.close(1000, 'app service removed'); return; }
    const follower = followLogs(files, o, (l) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ message: l.message, timestamp: l.timestamp, messageType: l.messageType, serviceId: id }));
    });
    const gone = setInterval(() => { if (!sup.has(space, id)) ws.close(1000, 'app service removed'); }, 500);
    ws.on('close', () => { follower.stop(); clearInterval(gone); });
    ws.on('error', () => ws.terminate());
  };
  server.on('upgrade', onUpgrade);
  return {
    close: () => {
      server.off('upgrade', onUpgrade);
      for (const c of wss.clients) { c.close(1001, 'PSB shutting down'); c.terminate(); }
      wss.close();
    },
  };
}

/** Refuses an upgrade with the same `{code, message}` JSON every other error of the PSB has (it was an empty body). */
function reject(socket: Duplex, code: number, text: string, message: string): void {
  const body = JSON.stringify({ code, message, reason: code === 404 ? 'not_found' : 'bad_request' });
  socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
