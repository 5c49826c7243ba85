import { EventEmitter } from 'node:events';
import type { SiteLogMessage } from './types';

/** Deployment progress messages per application, for the logs websocket (live only; state itself is in SQL). */
export class LogBus {
  private readonly ee = new EventEmitter();
  constructor() { this.ee.setMaxListeners(0); }

  publish(appInstanceId: string, message: string, tags: string[], messageType: 'out' | 'err' = 'out'): void {
    this.ee.emit(appInstanceId, { message, timestamp: Date.now(), messageType, tags } satisfies SiteLogMessage);
  }

  subscribe(appInstanceId: string, fn: (m: SiteLogMessage) => void): () => void {
    this.ee.on(appInstanceId, fn);
    return () => { this.ee.off(appInstanceId, fn); };
  }
}
