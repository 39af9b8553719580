/**
 * CHANGE_VNFPKG's steps (SOL003 v3.3.1 5.4.11a): the instance moves to another package of its product one VNFC
 * at a time, each proven running the new package before the next is touched; rollback returns every VNFC it
 * touched. The operation's handler (check, steps, rollback) is in operations/change-vnfpkg.ts.
 */
import { AppError, ConflictError, RequestNotApplicableError } from '../errors';
import type { VnfInstance } from '../domain/vnf-instance';
import type { VnfcResource } from '../ports/vim';
import type { VnfdModel } from '../tosca';
import { flavoursInForce, zonesInForce } from './grant-vim';
import { agentFor, callOptions, readinessFor, vnfcInfo, type OpContext } from './op-context';
import { deploymentFor } from './plan';
import type { ChangeCurrentVnfPkgRequest } from './requests';
import { identityOfPackage, type PackageIdentity } from './step-state';
import { currentLevels, recordInstance, updateInstance, vimImagesOf } from './steps';

type Ctx = OpContext<ChangeCurrentVnfPkgRequest>;

/** The VIM replaced a VNFC's VM, but the new server failed. */
export class VnfcReplaceError extends AppError {
  readonly status = 502;
  readonly title = 'Bad Gateway';
}

/**
 * The package the instance moves to and its VNFD: pinned in the step state when the operation begins (with what
 * the instance named before, for rollback), so a package enabled or disabled meanwhile changes nothing.
 */
export async function target(c: Ctx): Promise<{ pkg: PackageIdentity; model: VnfdModel }> {
  if (c.state.newPackage === undefined) {
    const vnfdId = c.op.operationParams.vnfdId;
    const found = await (c.deps.catalog ?? c.deps.packages).findByVnfdId(vnfdId);
    if (found === undefined)
      throw new RequestNotApplicableError(`no VNF package with vnfdId ${vnfdId} is onboarded`, 'vnfdId');
    const { vnfConfigurableProperties, extensions } = c.instance;
    c.state.previousPackage = {
      ...identityOfPackage(c.instance),
      ...(vnfConfigurableProperties !== undefined ? { vnfConfigurableProperties } : {}),
      ...(extensions !== undefined ? { extensions } : {}),
    };
    c.state.newPackage = identityOfPackage(found);
    await c.saveState();
  }
  const pkg = c.state.newPackage;
  return { pkg, model: await c.deps.models.forPackage(pkg.vnfPkgId ?? '', pkg.vnfdId) };
}

/** A Click configuration the request gives (vnfConfigurableProperties first, then additionalParams). */
function requestedConfig(c: Ctx): string | undefined {
  const p = c.op.operationParams;
  return [p.vnfConfigurableProperties?.['clickConfig'], p.additionalParams?.['clickConfig']].find(
    (t): t is string => typeof t === 'string',
  );
}

/** The configuration a VDU runs under `model`: `chosen` (the request's, or the instance's), else the package's. */
function configOf(model: VnfdModel, vduId: string, chosen: unknown): string {
  if (typeof chosen === 'string') return chosen;
  const text = model.vdus.find((v) => v.id === vduId)?.clickConfig?.text;
  if (text === undefined)
    throw new ConflictError(`VDU ${vduId} of VNFD ${model.descriptorId} has no Click configuration`);
  return text;
}

/** The new package's configuration, when every VDU runs the same one (what vnfConfigurableProperties records). */
function sharedConfig(c: Ctx, model: VnfdModel): string | undefined {
  const texts = new Set(model.vdus.map((v) => configOf(model, v.id, requestedConfig(c))));
  return texts.size === 1 ? [...texts][0] : undefined;
}

/** Images: the new package's, in the VIM, for every VDU whose software image is not the old package's. */
export async function ensureNewImages(c: Ctx): Promise<void> {
  const { pkg, model } = await target(c);
  const changed = model.vdus.filter((v) => {
    const before = c.model.vdus.find((o) => o.id === v.id)?.swImage;
    const after = v.swImage;
    return after !== undefined && JSON.stringify(before?.checksum) !== JSON.stringify(after.checksum);
  });
  // the grant's images first, then those the request names (additionalParams.vimImages), as INSTANTIATE does
  const vimImages = { ...c.state.grant?.images, ...vimImagesOf(c.op.operationParams) };
  const planned = deploymentFor(model, c.instance, {}, {}, vimImages).vdus;
  const images = changed.flatMap((v) => {
    const img = planned.find((d) => d.vduId === v.id)?.image;
    return img === undefined
      ? []
      : [{ ...img, ...(v.imageArtifact !== undefined ? { filePath: v.imageArtifact } : {}) }];
  });
  const content = (img: { filePath?: string }) =>
    img.filePath === undefined ? Promise.resolve(undefined) : c.deps.models.file(pkg, img.filePath);
  const ids =
    images.length === 0 ? {} : await c.vim.ensureImages(c.instance.id, images, { ...callOptions(c), content });
  c.state.newImages = Object.fromEntries(
    changed.flatMap((v) => {
      const id = ids[v.swImage?.name ?? ''];
      return id === undefined ? [] : [[v.id, id]];
    }),
  );
}

/** The instance's VNFCs as the VIM has them now, in name order (a resumed job finds the VMs a crash left). */
async function vnfcsNow(c: Ctx): Promise<VnfcResource[]> {
  const vnfcs = await c.vim.describe(c.instance.id, callOptions(c));
  c.state.vnfcs = vnfcs.sort((a, b) => a.name.localeCompare(b.name));
  return c.state.vnfcs;
}

/**
 * One VNFC onto `model`: its VM replaced when it does not run `imageId`, its agent ready, the configuration
 * pushed and Click proven running; its vnfcResourceInfo recorded (naming `vnfdId` when it is not the instance's).
 */
async function moveVnfc(
  c: Ctx,
  v: VnfcResource,
  to: { model: VnfdModel; imageId: string | undefined; config: string; vnfdId: string },
): Promise<void> {
  let now = v;
  // a server the VIM left in ERROR (a replacement that failed before a retry) is replaced again
  if (to.imageId !== undefined && (v.imageId !== to.imageId || v.status === 'ERROR')) {
    now = await c.vim.heal(c.instance.id, v.resourceId, { ...callOptions(c), imageId: to.imageId });
    c.state.vnfcs = (c.state.vnfcs ?? []).map((x) => (x.name === now.name ? now : x));
    await c.saveState();
    if (now.status === 'ERROR') {
      const why = now.metadata?.['fault'] ?? 'no reason given';
      throw new VnfcReplaceError(`VNFC ${now.name}: its new server on image ${to.imageId} is in ERROR: ${why}`);
    }
  }
  const on = { ...c, model: to.model };
  const agent = agentFor(on, now);
  await agent.waitReady(readinessFor(on, now.vduId, now));
  await agent.deploy(to.config, callOptions(c));
  const vimId = c.connection?.id ?? `vim-${c.vim.kind}`;
  const info = {
    ...vnfcInfo(now, vimId, c.vim, { zoneId: zonesInForce(c)[now.vduId], vimFlavourId: flavoursInForce(c)[now.vduId] }),
    ...(to.vnfdId !== c.instance.vnfdId ? { vnfdId: to.vnfdId } : {}),
  };
  await updateInstance(c, (inst) => {
    if (inst.instantiatedVnfInfo === undefined) return inst;
    const list = inst.instantiatedVnfInfo.vnfcResourceInfo ?? [];
    const at = list.findIndex((x) => x.id === v.resourceId || x.metadata?.['name'] === now.name);
    const vnfcResourceInfo = at < 0 ? [...list, info] : list.map((x, i) => (i === at ? info : x));
    return { ...inst, instantiatedVnfInfo: { ...inst.instantiatedVnfInfo, vnfcResourceInfo } };
  });
}

/** Move: VNFC by VNFC onto the new package; the ones proven already (a retried or resumed job) are skipped. */
export async function moveVnfcs(c: Ctx): Promise<void> {
  const { pkg, model } = await target(c);
  const moved = (c.state.moved ??= []);
  const touched = (c.state.touched ??= []);
  for (const v of await vnfcsNow(c)) {
    if (moved.includes(v.name)) continue;
    if (!touched.some((t) => t.name === v.name)) {
      touched.push({ name: v.name, vduId: v.vduId, ...(v.imageId !== undefined ? { imageId: v.imageId } : {}) });
      await c.saveState();
    }
    const config = configOf(model, v.vduId, requestedConfig(c));
    await moveVnfc(c, v, { model, imageId: c.state.newImages?.[v.vduId], config, vnfdId: pkg.vnfdId });
    moved.push(v.name);
    await c.saveState();
  }
}

/**
 * The external links as the instance records them: a package change moves no connection point, so the request's
 * extVirtualLinks (recorded in the op-occ) are not taken for links in force.
 */
function keepLinks(c: Ctx): void {
  c.state.extLinks ??= Object.fromEntries(
    (c.instance.instantiatedVnfInfo?.extCpInfo ?? []).flatMap((e) =>
      e.associatedVnfVirtualLinkId === undefined ? [] : [[e.cpdId, e.associatedVnfVirtualLinkId]],
    ),
  );
}

/** Record: the instance names the new package, its configurable properties carry the new configuration. */
export async function recordNewPackage(c: Ctx): Promise<void> {
  const { pkg, model } = await target(c);
  const p = c.op.operationParams;
  const props: Record<string, unknown> = {
    ...(c.state.previousPackage?.vnfConfigurableProperties ?? {}),
    ...(p.vnfConfigurableProperties ?? {}),
  };
  const config = sharedConfig(c, model);
  if (config === undefined) delete props['clickConfig'];
  else props['clickConfig'] = config;
  const extensions = { ...(c.state.previousPackage?.extensions ?? {}), ...(p.extensions ?? {}) };
  await updateInstance(c, (inst) => ({
    ...inst,
    ...pkg,
    vnfConfigurableProperties: props,
    ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
  }));
  c.model = model;
  keepLinks(c);
  await recordInstance(c, currentLevels(c), c.instance.instantiatedVnfInfo?.vnfState ?? 'STARTED');
}

/**
 * Rollback: the instance names the old package again (and its attributes as they were); every VNFC the operation
 * touched goes back to the image it ran and the old configuration, proven running; then it is recorded.
 */
export async function moveBack(c: Ctx): Promise<void> {
  const prev = c.state.previousPackage;
  if (prev === undefined) return; // nothing began
  await updateInstance(c, (inst) => {
    const next: VnfInstance = { ...inst, ...identityOfPackage(prev) };
    for (const k of ['vnfConfigurableProperties', 'extensions'] as const) {
      if (prev[k] === undefined) delete next[k];
      else next[k] = prev[k];
    }
    return next;
  });
  const model = await c.deps.models.forInstance(c.instance);
  c.model = model;
  const touched = c.state.touched ?? [];
  for (const t of [...touched]) {
    const v = (await vnfcsNow(c)).find((x) => x.name === t.name);
    if (v !== undefined) {
      const config = configOf(model, v.vduId, prev.vnfConfigurableProperties?.['clickConfig']);
      await moveVnfc(c, v, { model, imageId: t.imageId, config, vnfdId: prev.vnfdId });
    }
    // returned: a rollback run again, or a retry after a failed rollback, starts from the VNFCs still out
    c.state.touched = (c.state.touched ?? []).filter((x) => x.name !== t.name);
    c.state.moved = (c.state.moved ?? []).filter((x) => x !== t.name);
    await c.saveState();
  }
  await vnfcsNow(c);
  keepLinks(c);
  await recordInstance(c, currentLevels(c), c.instance.instantiatedVnfInfo?.vnfState ?? 'STARTED');
}
