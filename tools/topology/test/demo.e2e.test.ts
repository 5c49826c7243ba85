import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDemo, startTopology, type Topology } from '../src';

// The product story end to end: Hub + two Sites, each with real crb-fs, dsb-fs and psb-process child processes,
// the sample app deployed on site-a, saved as an image, brought up on site-b with the same data.
describe('demo story across two sites (real processes, real HTTP)', () => {
  let topo: Topology;
  let dataRoot: string;

  beforeAll(async () => {
    dataRoot = mkdtempSync(path.join(os.tmpdir(), 'ocopea-topology-'));
    topo = await startTopology({ dataRoot, ports: 'free', postgres: false });
  }, 120_000);

  afterAll(async () => {
    await topo?.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  }, 60_000);

  it('deploys on site-a, saves an image, deploys it on site-b and reads the same data there, stops both', async () => {
    const [a, b] = topo.sites;
    const steps = await runDemo({
      hubUrl: topo.hubUrl, hubToken: topo.hubToken, siteToken: a.siteToken,
      from: { siteId: a.hubSiteId!, siteUrl: a.siteUrl, name: a.name },
      to: { siteId: b.hubSiteId!, siteUrl: b.siteUrl, name: b.name },
      timeoutMs: 60_000,
    });
    expect(steps.map((s) => s.step)).toEqual([
      'create template', 'deploy on site-a', 'write a note through the app', 'save an image (app copy)',
      'deploy the image on site-b', 'read the note on site-b', 'stop both',
    ]);
  }, 240_000);

  // "A dead site is reported unreachable within the timeout while the other site still shows" is proven with real
  // processes by services/hub/test/hub.e2e.test.ts (live instances on both sites, then site-b killed).
});
