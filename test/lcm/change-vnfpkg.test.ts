import { randomUUID } from 'node:crypto';
import { useRedis } from '../support/redis';
import { AUTH, agentOf, buildLcmHarness, waitForOp, type LcmHarness } from '../support/lcm';
import { buildVariant, tinyQcow2 } from '../support/packages';
import { EmulatedCloud, toolkitChecker, type ClickChecker } from '../../src/emulator';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import type { VnfPkgInfo } from '../../src/domain/vnf-package';
import type { Vim } from '../../src/ports/vim';

/**
 * CHANGE_VNFPKG (SOL003 v3.3.1 5.4.11a) on the emulated VIM with a real Redis: packages of the forwarder product
 * that differ in vnfdId, version, image and Click configuration; the instance moves VNFC by VNFC.
 */
const redis = useRedis();
let h: LcmHarness;
let cloud: EmulatedCloud;

/** The emulated VMs' Click build has no Paint element (the VNFM's Click catalog knows it, so packages pass). */
const lacksPaint: ClickChecker = (text, file) => {
  const line = text.split('\n').findIndex((l) => /\bPaint\(/.test(l));
  if (line >= 0) return { ok: false, messages: [`${file}:${line + 1}: unknown element class 'Paint'`] };
  return toolkitChecker(text, file);
};

/** The instance whose second VM the VIM replaces ends in ERROR (set per test). */
let faultOnSecondHeal: string | undefined;
let heals = 0;

const FIRST_LINK = 'FromDPDKDevice(0) -> c_in0 :: Counter ->';
/** The forwarder product in versions: a package each, by name. */
const pkgs: Record<string, { id: string; vnfdId: string }> = {};

async function onboard(name: string, variant: Parameters<typeof buildVariant>[0]): Promise<void> {
  const created = await h.app.inject({ method: 'POST', url: '/vnfpkgm/v1/vnf_packages', headers: AUTH, payload: {} });
  const id = (created.json() as VnfPkgInfo).id;
  const put = await h.app.inject({
    method: 'PUT',
    url: `/vnfpkgm/v1/vnf_packages/${id}/package_content`,
    headers: { ...AUTH, 'content-type': 'application/zip' },
    payload: await buildVariant(variant),
  });
  expect(put.statusCode).toBe(202);
  const enable = await h.app.inject({
    method: 'PATCH',
    url: `/vnfpkgm/v1/vnf_packages/${id}`,
    headers: AUTH,
    payload: { operationalState: 'ENABLED' },
  });
  expect(enable.statusCode).toBe(200);
  pkgs[name] = { id, vnfdId: variant.vnfdId ?? '' };
}

beforeAll(async () => {
  cloud = new EmulatedCloud({ vmReadyDelayMs: 50, check: lacksPaint });
  await cloud.start();
  h = await buildLcmHarness(redis.url, { cloud });
  const vim = h.deps.vim;
  const faulty: Vim = Object.create(vim) as Vim;
  faulty.heal = async (id, resourceId, options) => {
    if (id === faultOnSecondHeal && ++heals === 2) await fault(id, 'server-error');
    return vim.heal(id, resourceId, options);
  };
  h.deps.vim = faulty;
  const v2: Array<[string, string]> = [
    ["descriptor_version: '1.0'", "descriptor_version: '2.0'"],
    ["software_version: '1.0'", "software_version: '2.0'"],
  ];
  const image = (salt: string) => tinyQcow2(1 << 30, `change-vnfpkg-${salt}-${randomUUID()}`);
  const old = { sample: 'forwarder', image: image('v1') };
  await onboard('v1', { ...old, vnfdId: randomUUID() });
  await onboard('v2', {
    sample: 'forwarder',
    image: image('v2'),
    vnfdId: randomUUID(),
    edits: v2,
    clickEdits: [
      ['//VNF_VERSION: 1.0', '//VNF_VERSION: 2.0'],
      [FIRST_LINK, `${FIRST_LINK} upgraded :: Null ->`],
    ],
  });
  await onboard('paint', {
    sample: 'forwarder',
    image: image('paint'),
    vnfdId: randomUUID(),
    edits: v2,
    clickEdits: [[FIRST_LINK, `${FIRST_LINK} Paint(1) ->`]],
  });
  // the same image as v1: only the configuration changes
  await onboard('v2-same-image', {
    ...old,
    vnfdId: randomUUID(),
    edits: v2,
    clickEdits: [[FIRST_LINK, `${FIRST_LINK} same :: Null ->`]],
  });
  await onboard('other-flavour', {
    sample: 'forwarder',
    vnfdId: randomUUID(),
    edits: [...v2, ['flavour_id: simple', 'flavour_id: premium']],
  });
}, 60_000);
afterAll(async () => {
  await h.close();
  await cloud.stop();
}, 60_000);
afterEach(async () => {
  faultOnSecondHeal = undefined;
  heals = 0;
  cloud.clearFaults();
});

async function fault(instanceId: string, f: string): Promise<void> {
  await fetch(`${cloud.url}/faults`, { method: 'PUT', body: JSON.stringify({ instanceId, fault: f }) });
}

/** A forwarder instance of package `name`, instantiated at level 2 (two VNFCs). */
async function instantiated(name: string): Promise<VnfInstance> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/vnflcm/v1/vnf_instances',
    headers: AUTH,
    payload: { vnfdId: pkgs[name]?.vnfdId },
  });
  expect(res.statusCode).toBe(201);
  const id = (res.json() as VnfInstance).id;
  const op = await task(id, 'instantiate', { flavourId: 'simple', instantiationLevelId: 'instantiation_level_2' });
  expect(op.statusCode).toBe(202);
  expect((await waitForOp(h, op.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'])).operationState).toBe(
    'COMPLETED',
  );
  return instance(id);
}
function task(id: string, path: string, payload: Record<string, unknown>) {
  return h.app.inject({ method: 'POST', url: `/vnflcm/v1/vnf_instances/${id}/${path}`, headers: AUTH, payload });
}
const opTask = (location: string, t: string) =>
  h.app.inject({ method: 'POST', url: `${new URL(location).pathname}/${t}`, headers: AUTH });
async function instance(id: string): Promise<VnfInstance> {
  const url = `/vnflcm/v1/vnf_instances/${id}?all_fields`;
  return (await h.app.inject({ method: 'GET', url, headers: AUTH })).json() as VnfInstance;
}
async function usage(name: string): Promise<string> {
  const url = `/vnfpkgm/v1/vnf_packages/${pkgs[name]?.id}`;
  return ((await h.app.inject({ method: 'GET', url, headers: AUTH })).json() as VnfPkgInfo).usageState;
}
/** The Click configuration a package carries, as its artifact. */
async function configOf(name: string): Promise<string> {
  const res = await h.app.inject({
    method: 'GET',
    url: `/vnfpkgm/v1/vnf_packages/${pkgs[name]?.id}/artifacts/Files/click/forwarder.click`,
    headers: { ...AUTH, accept: '*/*' },
  });
  expect(res.statusCode).toBe(200);
  return res.body;
}
const agents = (inst: VnfInstance) => (inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map(agentOf);
async function runningConfigs(inst: VnfInstance): Promise<string[]> {
  return Promise.all(
    agents(inst).map(async (a) => {
      expect((await a.status()).running).toBe(true);
      return a.readConfig();
    }),
  );
}
/** The VIM image of each VNFC, in name order. */
async function images(id: string): Promise<Array<string | undefined>> {
  const vnfcs = await h.deps.vim.describe(id);
  return vnfcs.sort((a, b) => a.name.localeCompare(b.name)).map((v) => v.imageId);
}
async function change(id: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await task(id, 'change_vnfpkg', { vnfdId: pkgs[name]?.vnfdId, ...extra });
  expect(res.statusCode).toBe(202);
  expect(res.body).toBe('');
  return res.headers['location'] as string;
}

describe('CHANGE_VNFPKG: the instance moves to another package of its product, VNFC by VNFC', () => {
  it('a new version (new image and Click config) -> COMPLETED; every VNFC runs it; the instance names it', async () => {
    const inst = await instantiated('v1');
    const oldImages = await images(inst.id);
    const oldIds = inst.instantiatedVnfInfo?.vnfcResourceInfo?.map((v) => v.id);
    expect(await runningConfigs(inst)).toEqual([await configOf('v1'), await configOf('v1')]);
    expect(await usage('v2')).toBe('NOT_IN_USE');

    const loc = await change(inst.id, 'v2', { extensions: { upgradedBy: 'ci' } });
    const op = await waitForOp(h, loc, ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    expect(op).toMatchObject({
      operationState: 'COMPLETED',
      operation: 'CHANGE_VNFPKG',
      operationParams: { vnfdId: pkgs['v2']?.vnfdId },
      changedInfo: { vnfdId: pkgs['v2']?.vnfdId, vnfPkgId: pkgs['v2']?.id, vnfdVersion: '2.0' },
    });

    const after = await instance(inst.id);
    const v2 = await configOf('v2');
    expect(v2).toContain('upgraded :: Null');
    expect(after).toMatchObject({
      vnfdId: pkgs['v2']?.vnfdId,
      vnfPkgId: pkgs['v2']?.id,
      vnfdVersion: '2.0',
      vnfSoftwareVersion: '2.0',
      vnfProductName: 'forwarder',
      vnfConfigurableProperties: { clickConfig: v2 },
      extensions: { upgradedBy: 'ci' },
      instantiatedVnfInfo: {
        flavourId: 'simple',
        vnfState: 'STARTED',
        scaleStatus: [{ aspectId: 'click_aspect', vnfdId: pkgs['v2']?.vnfdId, scaleLevel: 1 }],
      },
    });
    const vnfcs = after.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
    expect(vnfcs).toHaveLength(2);
    // every VNFC runs the new package's VNFD now: none names its own
    expect(vnfcs.map((v) => v.vnfdId)).toEqual([undefined, undefined]);
    // new VMs on the new image, each running the new configuration as the VNF of version 2.0
    expect(vnfcs.map((v) => v.id).filter((id) => oldIds?.includes(id))).toEqual([]);
    const newImages = await images(inst.id);
    expect(new Set(newImages).size).toBe(1);
    expect(newImages[0]).toBeDefined();
    expect(newImages).not.toContain(oldImages[0]);
    expect(await runningConfigs(after)).toEqual([v2, v2]);
    for (const a of agents(after)) expect((await a.identification()).version).toBe('2.0');

    // notified as CHANGE_VNFPKG: STARTING (START), PROCESSING, COMPLETED
    const events = h.notifier.events.filter((e) => e.opOcc?.id === op.id);
    expect(events.map((e) => [e.notificationStatus, e.opOcc?.operationState, e.opOcc?.operation])).toEqual([
      ['START', 'STARTING', 'CHANGE_VNFPKG'],
      ['RESULT', 'PROCESSING', 'CHANGE_VNFPKG'],
      ['RESULT', 'COMPLETED', 'CHANGE_VNFPKG'],
    ]);
    expect(events[2]?.instance).toMatchObject({ vnfdId: pkgs['v2']?.vnfdId, vnfdVersion: '2.0' });

    // the new package is in use now, the old one no more (no other instance uses it)
    expect(await usage('v2')).toBe('IN_USE');
    expect(await usage('v1')).toBe('NOT_IN_USE');

    // later operations go on from the new package: a heal pushes its configuration
    const heal = await task(inst.id, 'heal', { vnfcInstanceId: [vnfcs[0]?.id] });
    expect(
      (await waitForOp(h, heal.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'])).error,
    ).toBeUndefined();
    expect(await runningConfigs(await instance(inst.id))).toEqual([v2, v2]);
  }, 60_000);

  it('the same image: the VMs stay, only the configuration changes', async () => {
    const inst = await instantiated('v1');
    const before = await h.deps.vim.describe(inst.id);
    const op = await waitForOp(h, await change(inst.id, 'v2-same-image'), ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    const after = await h.deps.vim.describe(inst.id);
    expect(after.map((v) => [v.resourceId, v.imageId]).sort()).toEqual(
      before.map((v) => [v.resourceId, v.imageId]).sort(),
    );
    const config = await configOf('v2-same-image');
    expect(await runningConfigs(await instance(inst.id))).toEqual([config, config]);
    expect((await instance(inst.id)).vnfPkgId).toBe(pkgs['v2-same-image']?.id);
  }, 60_000);

  it('refused before anything starts: unknown vnfdId, other product, missing flavour, NOT_INSTANTIATED', async () => {
    const inst = await instantiated('v1');
    const refused = async (payload: Record<string, unknown>, status: number) => {
      const res = await task(inst.id, 'change_vnfpkg', payload);
      expect(res.statusCode).toBe(status);
      return res.json() as { field?: string; detail: string };
    };
    expect(await refused({ vnfdId: randomUUID() }, 422)).toMatchObject({
      field: 'vnfdId',
      detail: expect.stringMatching(/no VNF package with vnfdId .* is onboarded/),
    });
    expect(await refused({ vnfdId: h.vnfdIds['nat'] }, 422)).toMatchObject({
      field: 'vnfdId',
      detail: expect.stringMatching(/is nat of Click-on-OSv Project, not forwarder .*within one product/),
    });
    expect(await refused({ vnfdId: pkgs['other-flavour']?.vnfdId }, 422)).toMatchObject({
      field: 'vnfdId',
      detail: expect.stringMatching(/the instance's flavour simple is not in VNFD .* \(it has premium\)/),
    });
    expect(await refused({ vnfdId: inst.vnfdId }, 422)).toMatchObject({ field: 'vnfdId' });
    // the Click configuration the request gives is checked like any other (line and column)
    const badConfig = { vnfdId: pkgs['v2']?.vnfdId, additionalParams: { clickConfig: 'FromDPDKDevice(0) -> Nope;' } };
    expect(await refused(badConfig, 422)).toMatchObject({
      field: 'additionalParams.clickConfig',
      errors: [expect.objectContaining({ file: 'func.click', line: 1, column: 22 })],
    });
    // the body is the schema's: vnfdId is required
    expect((await refused({}, 400)).detail).toMatch(/vnfdId/);

    // none of them started anything
    const ops = await h.deps.opOccs.list({
      filter: [{ op: 'eq', path: ['vnfInstanceId'], values: [inst.id] }],
      limit: 10,
    });
    expect(ops.items.map((o) => o.operation)).toEqual(['INSTANTIATE']);
    expect((await instance(inst.id)).vnfdId).toBe(pkgs['v1']?.vnfdId);

    // an instance that is not instantiated: 409
    const fresh = await h.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: AUTH,
      payload: { vnfdId: pkgs['v1']?.vnfdId },
    });
    const notInstantiated = await task((fresh.json() as VnfInstance).id, 'change_vnfpkg', {
      vnfdId: pkgs['v2']?.vnfdId,
    });
    expect(notInstantiated.statusCode).toBe(409);
    expect(notInstantiated.json()).toMatchObject({ detail: expect.stringMatching(/INSTANTIATED.*NOT_INSTANTIATED/) });
    // and a busy one: 409
    const first = await change(inst.id, 'v2-same-image');
    const second = await task(inst.id, 'change_vnfpkg', { vnfdId: pkgs['v2']?.vnfdId });
    expect(second.statusCode).toBe(409);
    await waitForOp(h, first, ['COMPLETED', 'FAILED_TEMP']);
  }, 60_000);

  it("Click in the VM refuses the new config -> FAILED_TEMP with Click's text; rollback -> old package", async () => {
    const inst = await instantiated('v1');
    const oldImages = await images(inst.id);
    const v1 = await configOf('v1');
    const loc = await change(inst.id, 'paint');
    const failed = await waitForOp(h, loc, ['FAILED_TEMP', 'COMPLETED']);
    expect(failed.operationState).toBe('FAILED_TEMP');
    expect(failed.error?.detail).toMatch(
      /Click at 127\.0\.0\.1:\d+ rejected the configuration: func\.click:14: unknown element class 'Paint'/,
    );
    // the first VNFC was moved to the new image when Click refused; the second was not touched
    const mid = await images(inst.id);
    expect(mid[0]).not.toBe(oldImages[0]);
    expect(mid[1]).toBe(oldImages[1]);
    // both packages are in use while the operation has not ended
    expect(await usage('paint')).toBe('IN_USE');
    expect(await usage('v1')).toBe('IN_USE');
    const disable = await h.app.inject({
      method: 'PATCH',
      url: `/vnfpkgm/v1/vnf_packages/${pkgs['paint']?.id}`,
      headers: AUTH,
      payload: { operationalState: 'DISABLED' },
    });
    expect(disable.statusCode).toBe(200);
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/vnfpkgm/v1/vnf_packages/${pkgs['paint']?.id}`,
      headers: AUTH,
    });
    expect(del.statusCode).toBe(409);
    expect(del.json()).toMatchObject({ field: 'usageState' });

    expect((await opTask(loc, 'rollback')).statusCode).toBe(202);
    const rolled = await waitForOp(h, loc, ['ROLLED_BACK', 'FAILED_TEMP']);
    expect(rolled.operationState).toBe('ROLLED_BACK');
    const after = await instance(inst.id);
    expect(after).toMatchObject({ vnfdId: pkgs['v1']?.vnfdId, vnfPkgId: pkgs['v1']?.id, vnfdVersion: '1.0' });
    expect(after.instantiatedVnfInfo?.vnfcResourceInfo?.map((v) => v.vnfdId)).toEqual([undefined, undefined]);
    expect(await images(inst.id)).toEqual(oldImages);
    expect(await runningConfigs(after)).toEqual([v1, v1]);
    expect(await usage('paint')).toBe('NOT_IN_USE');
    // the lock is free again
    const op = await task(inst.id, 'operate', { changeStateTo: 'STOPPED' });
    expect(op.statusCode).toBe(202);
    await waitForOp(h, op.headers['location'] as string, ['COMPLETED']);
    // a stopped VNF cannot be proven running on the new package: start it first
    const stopped = await task(inst.id, 'change_vnfpkg', { vnfdId: pkgs['v2']?.vnfdId });
    expect(stopped.statusCode).toBe(409);
    expect(stopped.json()).toMatchObject({ field: 'vnfState', detail: expect.stringContaining('is STOPPED') });
  }, 60_000);

  it('the second VNFC fails after the first moved: the first runs the new package; rollback returns both', async () => {
    const inst = await instantiated('v1');
    const oldImages = await images(inst.id);
    const [v1, v2] = [await configOf('v1'), await configOf('v2')];
    faultOnSecondHeal = inst.id;
    const loc = await change(inst.id, 'v2');
    const failed = await waitForOp(h, loc, ['FAILED_TEMP', 'COMPLETED']);
    expect(failed.error?.detail).toMatch(/-1: its new server on image .* is in ERROR: No valid host was found/);
    // the first VNFC was proven running the new package and says so (SOL003 v3.3.1 vnfcResourceInfo.vnfdId)
    const mid = await instance(inst.id);
    expect(mid.vnfdId).toBe(pkgs['v1']?.vnfdId);
    const moved = mid.instantiatedVnfInfo?.vnfcResourceInfo?.filter((v) => v.vnfdId === pkgs['v2']?.vnfdId) ?? [];
    expect(moved).toHaveLength(1);
    expect(await agentOf(moved[0]!).readConfig()).toBe(v2);
    expect(await usage('v2')).toBe('IN_USE');

    cloud.clearFaults(); // the operator repairs the cloud
    expect((await opTask(loc, 'rollback')).statusCode).toBe(202);
    const rolled = await waitForOp(h, loc, ['ROLLED_BACK', 'FAILED_TEMP']);
    expect(rolled.operationState).toBe('ROLLED_BACK');
    const after = await instance(inst.id);
    expect(after.vnfPkgId).toBe(pkgs['v1']?.id);
    expect(await images(inst.id)).toEqual(oldImages);
    expect(await runningConfigs(after)).toEqual([v1, v1]);
  }, 60_000);

  it('retry after the cloud is repaired goes on after the VNFCs already moved -> COMPLETED', async () => {
    const inst = await instantiated('v1');
    faultOnSecondHeal = inst.id;
    const loc = await change(inst.id, 'v2');
    await waitForOp(h, loc, ['FAILED_TEMP']);
    const movedFirst = (await h.deps.vim.describe(inst.id)).sort((a, b) => a.name.localeCompare(b.name))[0];
    cloud.clearFaults();
    expect((await opTask(loc, 'retry')).statusCode).toBe(202);
    const done = await waitForOp(h, loc, ['COMPLETED', 'FAILED_TEMP']);
    expect(done.error).toBeUndefined();
    const after = (await h.deps.vim.describe(inst.id)).sort((a, b) => a.name.localeCompare(b.name));
    // the first VNFC was not replaced again
    expect(after[0]?.resourceId).toBe(movedFirst?.resourceId);
    const v2 = await configOf('v2');
    expect(await runningConfigs(await instance(inst.id))).toEqual([v2, v2]);
    expect((await instance(inst.id)).vnfdId).toBe(pkgs['v2']?.vnfdId);
  }, 60_000);
});
