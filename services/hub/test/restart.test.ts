// Restart safety: a deploy followed by the Hub survives a Hub restart on the same embedded store and completes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeHub } from '../src/compose';
import { FakeSiteGateway } from './fake-site-gateway';
import { notesTemplate, until, USER } from './helpers';

jest.setTimeout(60_000);

it('resumes following a deployment after a restart', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-restart-'));
  const gw = new FakeSiteGateway();
  const site = gw.addSite('site-a');
  site.deployPolls = 1_000_000; // keeps answering `deploying`
  const cfg = { gateway: gw, dataDir: dir, hub: { pollMaxDelayMs: 20 } };
  try {
    const first = await composeHub(cfg);
    await first.start();
    const siteId = await first.hub.sites.addSite('site-a', site.url);
    const t = await first.hub.templates.createTemplate(notesTemplate());
    const plan = await first.hub.deployments.createPlan(t.id, siteId);
    const { value: id, operationId } = await first.hub.deployments.deployApplication({ appInstanceName: 'n', appTemplateId: t.id, siteId, creatorUserId: USER, deploymentPlan: plan });
    await until(async () => (await first.engine.get(operationId)).step === 'await-running');
    await first.close();

    site.deployPolls = 0; // the Site finishes while the Hub is down
    const second = await composeHub(cfg);
    await second.start();
    try {
      const inst = await until(async () => { const i = await second.hub.instances.getInstance(id); return i.state === 'running' ? i : undefined; });
      expect(inst.webEntryPointURL).toContain('/n/index.html');
      const op = await second.hub.operations.getOperation(operationId);
      expect(op.phase).toBe('succeeded');
      expect(gw.calls.filter((c) => c === 'deploy site-a n')).toHaveLength(1);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('purges finished operations older than the retention', async () => {
  const c = await composeHub({ gateway: new FakeSiteGateway() });
  try {
    await c.start();
    c.engine.register({ kind: 'noop', resumable: true, initialState: () => ({}), steps: [{ name: 'x', run: async () => undefined }] });
    const op = await c.engine.submit('noop', 's', {});
    await c.engine.waitForFinal(op.id);
    expect(await c.store.purgeOperations(Date.now() - 60_000)).toBe(0);
    expect(await c.store.purgeOperations(Date.now() + 1)).toBe(1);
    expect(await c.engine.find(op.id)).toBeUndefined();
  } finally {
    await c.close();
  }
});
