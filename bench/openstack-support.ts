/**
 * What the mini-cloud benches share (openstack-overhead, openstack-baseline): a VNFM on the cloud of OS_CLOUD
 * with its own redis-server and Basic auth, a caller of its API, and the forwarder onboarded with a given image
 * and no readiness grace (the VM answers at once, so that its boot hides nothing).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret } from '../src/api';
import { loadConfig, processEnv, type Config } from '../src/config';
import type { VnfLcmOpOcc } from '../src/domain/lcm-op-occ';
import { startVnfm, type Vnfm } from '../src/main';
import { RedisServer } from '../src/store';
import { buildVariant } from '../test/support/packages';
import { apiCaller } from './support';

export interface BenchVnfm {
  vnfm: Vnfm;
  config: Config;
  call: ReturnType<typeof apiCaller>;
  /** The op-occ once it is COMPLETED, FAILED_TEMP or FAILED. */
  waitOp(location: string): Promise<VnfLcmOpOcc>;
  /** Onboards and enables the forwarder with `image` bundled and no readiness grace; its vnfdId. */
  onboardForwarder(image: Buffer): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchVnfm(
  name: string,
  instrument: Parameters<typeof startVnfm>[3] = {},
): Promise<BenchVnfm> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const redis = await RedisServer.start({ dir: join(dir, 'redis') });
  const password = randomBytes(8).toString('hex');
  const config = loadConfig(processEnv(), {
    overrides: {
      listen: { host: '127.0.0.1', port: 0 },
      varDir: join(dir, 'var'),
      redis: { url: redis.url },
      onboardSamples: false,
      auth: { basic: true, users: [{ name: 'admin', passwordHash: hashSecret(password), roles: ['admin'] }] },
      vim: {
        kind: 'openstack',
        managementNetwork: 'clickvnfm-mgmt',
        vnfmCidr: '127.0.0.0/8',
        defaultDataNetwork: 'clickvnfm-ext',
      },
      log: { level: 'warn' },
    },
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };
  const vnfm = await startVnfm(config, 'all', quiet, instrument);
  const call = apiCaller(vnfm.url ?? '', 'admin', password);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return {
    vnfm,
    config,
    call,
    async waitOp(location) {
      for (;;) {
        const op = (await call<VnfLcmOpOcc>('GET', new URL(location).pathname)).body;
        if (['COMPLETED', 'FAILED_TEMP', 'FAILED'].includes(op.operationState)) return op;
        await sleep(50);
      }
    },
    async onboardForwarder(image) {
      const csar = await buildVariant({
        sample: 'forwarder',
        image,
        edits: [
          [/grace: \d+ s/, 'grace: 0 s'],
          [/interval: \d+ s/, 'interval: 1 s'],
        ],
      });
      const pkg = await call<{ id: string }>('POST', '/vnfpkgm/v1/vnf_packages', {});
      await call('PUT', `/vnfpkgm/v1/vnf_packages/${pkg.body.id}/package_content`, csar, 'application/zip');
      for (let i = 0; i < 100; i++) {
        const url = `/vnfpkgm/v1/vnf_packages/${pkg.body.id}`;
        const p = await call<{ onboardingState: string; vnfdId: string }>('GET', url);
        if (p.body.onboardingState === 'ONBOARDED') {
          const patch = { operationalState: 'ENABLED' };
          await call('PATCH', `/vnfpkgm/v1/vnf_packages/${pkg.body.id}`, patch, 'application/merge-patch+json');
          return p.body.vnfdId;
        }
        await sleep(100);
      }
      throw new Error('the forwarder was not onboarded in 10 s');
    },
    async stop() {
      await vnfm.stop();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
