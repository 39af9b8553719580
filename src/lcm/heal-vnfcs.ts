/**
 * HEAL's replace step, safe to resume at any point: the VNFCs to replace are stored (StepState.healing) before
 * the VIM is asked, and each one's replacement as soon as the VIM answers. A job resumed after a crash between
 * the VIM's answer and that record finds the server the VIM put in the old one's place (same VDU and name, or the
 * same management address and port: both VIMs keep them) instead of concluding there is nothing to heal.
 */
import { NotFoundError } from '../errors';
import type { VnfcResource } from '../ports/vim';
import { callOptions, type OpContext } from './op-context';
import { VnfcReplaceError } from './package-change';
import type { HealVnfRequest } from './requests';
import type { HealTarget } from './step-state';

type Ctx = OpContext<HealVnfRequest>;

/** A VNFC to heal is not in the VIM, and no server stands in its place. */
export class VnfcGoneError extends NotFoundError {}

function targetOf(v: VnfcResource): HealTarget {
  return {
    resourceId: v.resourceId,
    vduId: v.vduId,
    name: v.name,
    ...(v.managementAddress !== undefined ? { managementAddress: v.managementAddress } : {}),
    ...(v.managementPort !== undefined ? { managementPort: v.managementPort } : {}),
  };
}

/**
 * The server standing in place of `t` among the VIM's VNFCs: another server of the same VDU with the same name
 * (Heat names a server after its nested stack, the emulated cloud after its index), else with the same management
 * address and port (the replacement keeps the ports).
 */
export function standIn(now: readonly VnfcResource[], t: HealTarget): VnfcResource | undefined {
  const others = now.filter((v) => v.vduId === t.vduId && v.resourceId !== t.resourceId);
  return (
    others.find((v) => v.name === t.name) ??
    (t.managementAddress === undefined
      ? undefined
      : others.find((v) => v.managementAddress === t.managementAddress && v.managementPort === t.managementPort))
  );
}

function gone(t: Pick<HealTarget, 'resourceId' | 'name'>, vnfInstanceId: string): VnfcGoneError {
  return new VnfcGoneError(
    `VNFC ${t.resourceId} (${t.name}) of VNF instance ${vnfInstanceId} is not in the VIM and no server stands ` +
      'in its place (deleted outside the VNFM?): nothing was healed for it',
  );
}

/** The VNFCs to heal, as the VIM has them now: the named ones (each must exist), else all. */
function plan(c: Ctx, now: readonly VnfcResource[]): HealTarget[] {
  const named = c.op.operationParams.vnfcInstanceId ?? [];
  if (named.length === 0) return now.map(targetOf);
  const recorded = c.instance.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
  return named.map((id) => {
    const v = now.find((x) => x.resourceId === id);
    if (v !== undefined) return targetOf(v);
    const name = recorded.find((r) => r.id === id)?.metadata?.['name'];
    throw gone({ resourceId: id, name: typeof name === 'string' ? name : '?' }, c.instance.id);
  });
}

/**
 * The VIM's heal of `t`'s server; when it fails but the old server is gone and another stands in its place, that
 * one: the replacement happened, its answer was lost (a Heat update that went on while no worker watched, a reply
 * cut off), and healing again would fail or replace it once more.
 */
async function healOrFind(c: Ctx, t: HealTarget, resourceId: string): Promise<VnfcResource> {
  try {
    return await c.vim.heal(c.instance.id, resourceId, callOptions(c));
  } catch (err) {
    const now = await c.vim.describe(c.instance.id, callOptions(c)).catch(() => undefined);
    const found = now === undefined || now.some((v) => v.resourceId === resourceId) ? undefined : standIn(now, t);
    if (found === undefined || found.resourceId === t.replacement) throw err;
    return found;
  }
}

/** One target replaced (or its replacement found, or a replacement in ERROR replaced again); stored at once. */
async function replaceOne(c: Ctx, t: HealTarget, now: readonly VnfcResource[]): Promise<void> {
  const old = t.replacement === undefined ? now.find((v) => v.resourceId === t.resourceId) : undefined;
  let r: VnfcResource;
  if (old !== undefined) r = await healOrFind(c, t, old.resourceId);
  else {
    // the VIM answered before (recorded), or answered and the worker died before the record: find its server
    const found = now.find((v) => v.resourceId === t.replacement) ?? standIn(now, t);
    if (found === undefined) throw gone(t, c.instance.id);
    r = found.status === 'ERROR' ? await healOrFind(c, t, found.resourceId) : found;
  }
  t.replacement = r.resourceId;
  await c.saveState();
  if (r.status === 'ERROR') {
    const why = r.metadata?.['fault'] ?? 'no reason given';
    throw new VnfcReplaceError(`VNFC ${t.resourceId} (${t.name}): its new server ${r.resourceId} is in ERROR: ${why}`);
  }
}

/** Replace: each VNFC to heal gets a new server; `replaced` and `removed` name them for the next steps. */
export async function replaceVnfcs(c: Ctx): Promise<void> {
  // one look at the VIM for all of them: replacing one VNFC's server leaves the others' servers as they are
  const now = await c.vim.describe(c.instance.id, callOptions(c));
  if (c.state.healing === undefined) {
    c.state.healing = plan(c, now);
    await c.saveState();
  }
  for (const t of c.state.healing) await replaceOne(c, t, now);
  c.state.replaced = c.state.healing.map((t) => t.replacement ?? t.resourceId);
  c.state.removed = c.state.healing.map((t) => t.resourceId);
  // the VIM changed: the next step asks it once for the VNFCs as they now are
  delete c.state.vnfcs;
}
