import { randomUUID } from 'node:crypto';
import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, waitForOp, type LcmHarness } from '../support/lcm';
import { NfvoSimulator } from '../support/nfvo-simulator';
import { buildVariant } from '../support/packages';
import { NfvoPackages } from '../../src/nfvo';
import type { VnfInstance } from '../../src/domain/vnf-instance';

/**
 * Packages from the NFVO (SOL003 10.4, VNFM side): an instance of a VNFD the VNFM does not know is created
 * from the NFVO's onboarded package, fetched once, its checksum verified.
 */
const redis = useRedis();
const NFVO_USER = { user: 'vnfm', password: 'pkg-secret' };
let sim: NfvoSimulator;
let h: LcmHarness;

beforeAll(async () => {
  sim = new NfvoSimulator({ auth: { basic: NFVO_USER } });
  await sim.start();
  h = await buildLcmHarness(redis.url, {
    nfvoPackages: new NfvoPackages({ url: sim.url, auth: { basic: NFVO_USER } }),
  });
}, 60_000);
afterAll(async () => {
  await h.close();
  await sim.stop();
}, 60_000);

/** A forwarder package whose VNFD id no one has seen, onboarded at the NFVO only. */
async function nfvoPackage(corruptChecksum = false): Promise<string> {
  const vnfdId = randomUUID();
  const csar = await buildVariant({ sample: 'forwarder', vnfdId });
  sim.addPackage({
    vnfdId,
    csar,
    provider: 'Click-on-OSv Project',
    productName: 'forwarder',
    softwareVersion: '1.0',
    vnfdVersion: '1.0',
    corruptChecksum,
  });
  return vnfdId;
}

async function create(vnfdId: string) {
  return h.app.inject({ method: 'POST', url: '/vnflcm/v1/vnf_instances', headers: AUTH, payload: { vnfdId } });
}

describe('packages from the NFVO', () => {
  it('an unknown VNFD is taken from the NFVO, onboarded and enabled once, and instantiates', async () => {
    const vnfdId = await nfvoPackage();
    const res = await create(vnfdId);
    expect(res.statusCode).toBe(201);
    const inst = res.json() as VnfInstance;
    expect(inst.vnfdId).toBe(vnfdId);
    const pkg = (
      await h.app.inject({ method: 'GET', url: `/vnfpkgm/v1/vnf_packages/${inst.vnfPkgId ?? ''}`, headers: AUTH })
    ).json() as { onboardingState: string; operationalState: string; userDefinedData: Record<string, unknown> };
    expect(pkg).toMatchObject({ onboardingState: 'ONBOARDED', operationalState: 'ENABLED' });
    expect(pkg.userDefinedData['source']).toBe('nfvo');

    // a second instance uses the local copy: one package for the VNFD, still
    expect((await create(vnfdId)).statusCode).toBe(201);
    const filter = encodeURIComponent(`(eq,vnfdId,${vnfdId})`);
    const list = await h.app.inject({ method: 'GET', url: `/vnfpkgm/v1/vnf_packages?filter=${filter}`, headers: AUTH });
    expect(list.json()).toHaveLength(1);

    const started = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
      headers: AUTH,
      payload: { flavourId: 'simple' },
    });
    const op = await waitForOp(h, started.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    expect(op.operationState).toBe('COMPLETED');
  }, 60_000);

  it('two creates at once fetch the package once', async () => {
    const vnfdId = await nfvoPackage();
    const [a, b] = await Promise.all([create(vnfdId), create(vnfdId)]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect((a.json() as VnfInstance).vnfPkgId).toBe((b.json() as VnfInstance).vnfPkgId);
  }, 60_000);

  it("a package whose bytes do not match the NFVO's checksum is refused (422 vnfdId) and not kept", async () => {
    const vnfdId = await nfvoPackage(true);
    const res = await create(vnfdId);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ field: 'vnfdId', detail: expect.stringContaining('checksum') });
    const filter = encodeURIComponent(`(eq,vnfdId,${vnfdId})`);
    const list = await h.app.inject({ method: 'GET', url: `/vnfpkgm/v1/vnf_packages?filter=${filter}`, headers: AUTH });
    expect(list.json()).toEqual([]);
  }, 60_000);

  it('a VNFD the NFVO does not have either is a 422 as before', async () => {
    const res = await create(randomUUID());
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      field: 'vnfdId',
      detail: expect.stringContaining('no VNF package with vnfdId'),
    });
  });
});
