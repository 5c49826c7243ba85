import { appUserEnv } from '../src/topology';

describe('pnpm start: who runs the apps and owns their volumes', () => {
  it('as root: the same user for psb-process and dsb-fs, nobody by default, either setting filling the other', () => {
    expect(appUserEnv({}, true)).toEqual({ psb: { PSB_PROCESS_RUN_AS: 'nobody' }, dsbFs: { DSB_FS_VOLUME_OWNER: 'nobody' } });
    expect(appUserEnv({ PSB_PROCESS_RUN_AS: 'app' }, true)).toEqual({ psb: { PSB_PROCESS_RUN_AS: 'app' }, dsbFs: { DSB_FS_VOLUME_OWNER: 'app' } });
    expect(appUserEnv({ DSB_FS_VOLUME_OWNER: '1000:1000' }, true)).toEqual({ psb: { PSB_PROCESS_RUN_AS: '1000:1000' }, dsbFs: { DSB_FS_VOLUME_OWNER: '1000:1000' } });
    expect(appUserEnv({ PSB_PROCESS_RUN_AS: 'app', DSB_FS_VOLUME_OWNER: 'app:staff' }, true)).toEqual({ psb: { PSB_PROCESS_RUN_AS: 'app' }, dsbFs: { DSB_FS_VOLUME_OWNER: 'app:staff' } });
  });
  it('not as root: nothing set (apps run as the PSB user, volumes belong to dsb-fs user)', () => {
    expect(appUserEnv({ PSB_PROCESS_RUN_AS: 'app' }, false)).toEqual({ psb: {}, dsbFs: {} });
  });
});
