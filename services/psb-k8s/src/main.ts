// Entry point: reads the environment, builds the PSB over the Kubernetes API, serves HTTP and the logs websocket.
import { envNumber, runService, servicePort } from '@ocopea/service-kit';
import { attachLogsWebSocket, createPsbK8sApp } from './app';
import { composePsb } from './compose';
import { version } from '../package.json';

async function main(): Promise<void> {
  const psb = composePsb({
    inCluster: Boolean(process.env.KUBERNETES_SERVICE_HOST),
    kubeconfig: process.env.KUBECONFIG,
    serviceType: process.env.PSB_K8S_SERVICE_TYPE,
    nodeHost: process.env.PSB_K8S_NODE_HOST,
    clusterDomain: process.env.PSB_K8S_CLUSTER_DOMAIN,
    apiTimeoutMs: envNumber('PSB_K8S_API_TIMEOUT_MS', { min: 1 }),
  });
  const deps = { psb, version };
  const svc = createPsbK8sApp(deps);
  let closeLogs = () => undefined as void;
  const running = await runService(svc, { port: servicePort(8086), onClose: () => closeLogs() });
  closeLogs = attachLogsWebSocket(running.server, deps, svc.log, (req) => svc.authorizeUpgrade(req));
  svc.log.info({ cluster: psb.kc.getCurrentCluster()?.server }, 'psb-k8s driving this Kubernetes API');
}

main().catch((err) => {
  process.stderr.write(`psb-k8s failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
