// Following the logs of an app service's pods: every pod matching its labels, found again every `pollMs` (pods come
// and go with restarts and rollouts), its container's log followed (`GET pods/<pod>/log?follow=true&timestamps=true`).
//
// Why not `new k8s.Log(kc).log(...)`: in @kubernetes/client-node 1.4.0 it pipes node-fetch's body into our stream and
// stopping it means aborting the request, on which node-fetch emits 'error' on a body stream nobody listens to (an
// uncaught exception that kills the process). So the request is made here with node:http(s), configured by the
// KubeConfig (`applyToHTTPSOptions`: server, CA, client certificates, token), and stopped with `req.destroy()`.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { K8sPsb } from './k8s-psb';

export interface LogLine {
  message: string;
  /** Epoch ms, from the Kubernetes timestamp of the line. */
  timestamp: number;
  /** Kubernetes merges stdout and stderr of a container: every line is `out`. */
  messageType: 'out' | 'err';
  serviceId: string;
  pod: string;
}

export interface FollowOptions {
  pollMs?: number;
  /** Lines of history sent when a pod is first followed (default 1000). */
  tailLines?: number;
}

/** Follows the logs of every pod of one app service until `stop()`. */
export class PodLogFollower {
  private readonly followed = new Map<string, http.ClientRequest>();
  /** Last timestamp (RFC 3339, as Kubernetes wrote it) seen per pod: a re-follow skips what was sent already. */
  private readonly lastSeen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly psb: K8sPsb,
    private readonly kc: KubeConfig,
    private readonly space: string,
    private readonly appServiceId: string,
    private readonly onLine: (line: LogLine) => void,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly o: FollowOptions = {},
  ) {}

  start(): void { void this.poll(); }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const req of this.followed.values()) req.destroy();
    this.followed.clear();
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      const pods = await this.psb.pods(this.space, this.appServiceId);
      for (const p of pods) {
        const name = p.metadata?.name;
        // A pending pod has no log yet: try again at the next poll.
        if (!name || this.followed.has(name) || p.status?.phase === 'Pending' || this.stopped) continue;
        await this.follow(name);
      }
    } catch (err) { this.onError(err); }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.o.pollMs ?? 1000);
  }

  private async follow(pod: string): Promise<void> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const since = this.lastSeen.get(pod);
    const q = new URLSearchParams({ container: this.appServiceId, follow: 'true', timestamps: 'true' });
    if (since) q.set('sinceTime', since.replace(/\.\d+Z$/, 'Z'));
    else q.set('tailLines', String(this.o.tailLines ?? 1000));
    const url = new URL(`${cluster.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(this.space)}/pods/${encodeURIComponent(pod)}/log?${q}`);
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    if (this.stopped) return;
    const req = (url.protocol === 'https:' ? https : http).request(url, { ...opts, method: 'GET' });
    this.followed.set(pod, req);
    const done = () => { if (this.followed.get(pod) === req) this.followed.delete(pod); };
    req.on('error', (err) => { done(); if (!this.stopped) this.onError(err); });
    req.on('response', (res) => {
      if (res.statusCode !== 200) { res.resume(); res.on('end', done); return; }
      res.setEncoding('utf8');
      let partial = '';
      res.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) this.line(pod, l);
      });
      res.on('end', () => { if (partial) this.line(pod, partial); partial = ''; done(); });
      res.on('error', done);
    });
    req.end();
  }

  private line(pod: string, raw: string): void {
    if (this.stopped) return;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ?(.*)$/s.exec(text);
    const ts = m?.[1] ? normalizeTs(m[1]) : undefined;
    if (ts) {
      const last = this.lastSeen.get(pod);
      if (last && ts <= last) return; // already sent before a re-follow
      this.lastSeen.set(pod, ts);
    }
    const timestamp = ts ? Date.parse(ts.replace(/(\.\d{3})\d*Z$/, '$1Z')) : Date.now();
    this.onLine({ message: m ? m[2] : text, timestamp, messageType: 'out', serviceId: this.appServiceId, pod });
  }
}

/** RFC 3339 with exactly nine fraction digits (Kubernetes trims trailing zeros), so timestamps compare as strings. */
function normalizeTs(ts: string): string {
  const [whole, frac = ''] = ts.slice(0, -1).split('.');
  return `${whole}.${frac.padEnd(9, '0').slice(0, 9)}Z`;
}
