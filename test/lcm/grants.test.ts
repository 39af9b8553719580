import { randomUUID } from 'node:crypto';
import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, createSampleInstance, waitForOp, type LcmHarness } from '../support/lcm';
import { NfvoSimulator } from '../support/nfvo-simulator';
import { buildVariant, tinyQcow2 } from '../support/packages';
import { HttpGranter } from '../../src/nfvo';
import type { SwImageSpec, Vim, VnfDeployment } from '../../src/ports/vim';

/**
 * The Grant interface, VNFM side (SOL003 9.3): with an NFVO configured every resource change is granted
 * first, against the project's NFVO simulator over HTTP (Basic auth).
 */
const redis = useRedis();
const NFVO_USER = { user: 'vnfm', password: 'grant-secret' };
let sim: NfvoSimulator;
let h: LcmHarness;
/** What the VIM was asked, recorded by a wrapper around the harness's emulated VIM. */
const asked: { images: SwImageSpec[][]; deployments: VnfDeployment[]; calls: string[] } = {
  images: [],
  deployments: [],
  calls: [],
};

beforeAll(async () => {
  sim = new NfvoSimulator({ auth: { basic: NFVO_USER } });
  await sim.start();
  const granter = new HttpGranter({
    url: sim.url,
    vnfmUrl: 'http://vnfm.test',
    auth: { basic: NFVO_USER },
    pollIntervalMs: 50,
  });
  h = await buildLcmHarness(redis.url, { granter });
  const vim = h.deps.vim;
  const recording: Vim = Object.create(vim) as Vim;
  Object.assign(recording, {
    ensureImages: (id: string, images: SwImageSpec[], o?: Parameters<Vim['ensureImages']>[2]) => {
      asked.calls.push('ensureImages');
      asked.images.push(images);
      return vim.ensureImages(id, images, o);
    },
    apply: (d: VnfDeployment, o?: Parameters<Vim['apply']>[1]) => {
      asked.calls.push('apply');
      asked.deployments.push(structuredClone(d));
      return vim.apply(d, o);
    },
  });
  h.deps.vim = recording;
}, 60_000);
afterAll(async () => {
  await h.close();
  await sim.stop();
}, 60_000);
beforeEach(() => {
  asked.images.length = 0;
  asked.deployments.length = 0;
  asked.calls.length = 0;
  sim.grantRequests.length = 0;
  sim.mode = 'sync';
});

async function instantiate(id: string): Promise<string> {
  const url = `/vnflcm/v1/vnf_instances/${id}/instantiate`;
  const res = await h.app.inject({ method: 'POST', url, headers: AUTH, payload: { flavourId: 'simple' } });
  expect(res.statusCode).toBe(202);
  return res.headers['location'] as string;
}

describe('grants from the NFVO', () => {
  it("instantiate asks first, then uses the grant's flavour and image (none of its own)", async () => {
    sim.vimAssets = {
      computeResourceFlavours: [{ vnfdVirtualComputeDescId: 'click_vdu', vimFlavourId: 'nfvo-flavour-1' }],
      softwareImages: [{ vnfdSoftwareImageId: 'click_vdu', vimSoftwareImageId: 'nfvo-image-1' }],
    };
    const inst = await createSampleInstance(h, 'forwarder');
    const op = await waitForOp(h, await instantiate(inst.id), ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    expect(op.operationState).toBe('COMPLETED');

    expect(sim.grantRequests).toHaveLength(1);
    const body = sim.grantRequests[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      vnfInstanceId: inst.id,
      vnfLcmOpOccId: op.id,
      operation: 'INSTANTIATE',
      isAutomaticInvocation: false,
    });
    expect(body['addResources']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'COMPUTE', vduId: 'click_vdu', resourceTemplateId: 'click_vdu' }),
      ]),
    );
    expect(body['_links']).toEqual({
      vnfLcmOpOcc: { href: `http://vnfm.test/vnflcm/v1/vnf_lcm_op_occs/${op.id}` },
      vnfInstance: { href: `http://vnfm.test/vnflcm/v1/vnf_instances/${inst.id}` },
    });
    // the grant came before any VIM call, and its assets were used
    expect(asked.calls[0]).toBe('ensureImages');
    expect(asked.images[0]?.every((i) => i.vimImageId === 'nfvo-image-1')).toBe(true);
    expect(asked.deployments[0]?.vdus.map((v) => v.flavor.existingFlavor)).toEqual(['nfvo-flavour-1']);
    expect(asked.deployments[0]?.vdus.map((v) => v.image.vimImageId)).toEqual(['nfvo-image-1']);
    const shown = (await h.app.inject({ url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: AUTH })).json();
    expect(shown.instantiatedVnfInfo.vnfcResourceInfo[0].metadata.vimFlavourId).toBe('nfvo-flavour-1');

    // a later grant that repeats no flavour (a scale): the VNFCs keep the NFVO's, none of our own is made
    sim.vimAssets = undefined;
    const scale = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/scale`,
      headers: AUTH,
      payload: { type: 'SCALE_OUT', aspectId: 'click_aspect' },
    });
    const scaled = await waitForOp(h, scale.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(scaled.error).toBeUndefined();
    expect(asked.deployments.at(-1)?.vdus.map((v) => v.flavor.existingFlavor)).toEqual(['nfvo-flavour-1']);
    sim.grantRequests.splice(1);

    // terminate is granted too: the VNFCs it removes (two since the scale), with their VIM handles
    const term = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/terminate`,
      headers: AUTH,
      payload: { terminationType: 'FORCEFUL' },
    });
    expect((await waitForOp(h, term.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'])).operationState).toBe(
      'COMPLETED',
    );
    const removal = sim.grantRequests[1]?.body as { operation: string; removeResources: Array<{ resource: unknown }> };
    expect(removal.operation).toBe('TERMINATE');
    expect(removal.removeResources).toHaveLength(2);
    expect(removal.removeResources[0]?.resource).toMatchObject({ resourceId: expect.any(String) });
  }, 60_000);

  it("a refused grant ends the operation FAILED_TEMP with the NFVO's reason, and nothing is on the VIM", async () => {
    sim.mode = 'refuse';
    sim.refuseReason = 'quota of the tenant exhausted';
    const inst = await createSampleInstance(h, 'forwarder');
    const op = await waitForOp(h, await instantiate(inst.id), ['COMPLETED', 'FAILED_TEMP']);
    expect(op.operationState).toBe('FAILED_TEMP');
    expect(op.error?.status).toBe(403);
    expect(op.error?.detail).toContain('quota of the tenant exhausted');
    expect(asked.calls).toEqual([]);
    expect(await h.deps.vim.describe(inst.id)).toEqual([]);
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  }, 60_000);

  it('an asynchronous grant (202) is polled until the NFVO decides', async () => {
    sim.mode = 'async';
    sim.asyncPolls = 3;
    const inst = await createSampleInstance(h, 'forwarder');
    const op = await waitForOp(h, await instantiate(inst.id), ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    expect(op.operationState).toBe('COMPLETED');
    expect(sim.grantRequests).toHaveLength(1);
    expect(asked.calls).toContain('apply');
  }, 60_000);

  it('a scale out asks for the VNFC it adds', async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    await waitForOp(h, await instantiate(inst.id), ['COMPLETED']);
    sim.grantRequests.length = 0;
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/scale`,
      headers: AUTH,
      payload: { type: 'SCALE_OUT', aspectId: 'click_aspect' },
    });
    expect(res.statusCode).toBe(202);
    const op = await waitForOp(h, res.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    const body = sim.grantRequests[0]?.body as { operation: string; addResources: unknown[] };
    expect(body.operation).toBe('SCALE');
    expect(body.addResources).toEqual([expect.objectContaining({ type: 'COMPUTE', vduId: 'click_vdu' })]);
  }, 60_000);

  it("a package change asks for the new VNFD (dstVnfdId) and moves the VNFC to the grant's image", async () => {
    sim.vimAssets = { softwareImages: [{ vnfdSoftwareImageId: 'click_vdu', vimSoftwareImageId: 'nfvo-image-1' }] };
    const inst = await createSampleInstance(h, 'forwarder');
    await waitForOp(h, await instantiate(inst.id), ['COMPLETED']);
    // the same product in another version, with another image
    const vnfdId = randomUUID();
    const created = await h.app.inject({ method: 'POST', url: '/vnfpkgm/v1/vnf_packages', headers: AUTH, payload: {} });
    const pkgId = (created.json() as { id: string }).id;
    const csar = await buildVariant({ sample: 'forwarder', vnfdId, image: tinyQcow2(1 << 30, `grants-${vnfdId}`) });
    const put = await h.app.inject({
      method: 'PUT',
      url: `/vnfpkgm/v1/vnf_packages/${pkgId}/package_content`,
      headers: { ...AUTH, 'content-type': 'application/zip' },
      payload: csar,
    });
    expect(put.statusCode).toBe(202);
    await h.app.inject({
      method: 'PATCH',
      url: `/vnfpkgm/v1/vnf_packages/${pkgId}`,
      headers: AUTH,
      payload: { operationalState: 'ENABLED' },
    });
    sim.grantRequests.length = 0;
    sim.vimAssets = { softwareImages: [{ vnfdSoftwareImageId: 'click_vdu', vimSoftwareImageId: 'nfvo-image-2' }] };
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/change_vnfpkg`,
      headers: AUTH,
      payload: { vnfdId },
    });
    expect(res.statusCode).toBe(202);
    const op = await waitForOp(h, res.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    expect(sim.grantRequests).toHaveLength(1);
    expect(sim.grantRequests[0]?.body).toMatchObject({
      operation: 'CHANGE_VNFPKG',
      vnfdId: h.vnfdIds['forwarder'],
      dstVnfdId: vnfdId,
      updateResources: [expect.objectContaining({ type: 'COMPUTE', vduId: 'click_vdu' })],
    });
    expect((await h.deps.vim.describe(inst.id)).map((v) => v.imageId)).toEqual(['nfvo-image-2']);
  }, 60_000);
});
