/**
 * The VIM and the zones a grant names (SOL003 9.5.2.3 Grant.vimConnections and zones, 9.5.3.4 GrantInfo
 * vimConnectionId and zoneId). On INSTANTIATE the NFVO decides the instance's VIM: the one it names for the
 * resources it adds, else the first of its vimConnections, even when the request named another. Later
 * operations stay on the instance's VIM (one VIM per instance). A VDU's VNFCs share one availability zone.
 */
import { AppError, GrantNotApplicableError, redactText } from '../errors';
import type { Grant, GrantedVimConnection, ResourceDefinition } from '../domain/schemas/grant';
import type { VnfInstance } from '../domain/vnf-instance';
import type { VimConnection } from '../ports/vim';
import { callOptions, type OpContext } from './op-context';

/** The request field the VIM provider names in its errors; the grant's own field replaces it. */
const FIELD = 'vimConnectionInfo';

/** A VIM connection a grant names, with the grant field that named it (for the messages). */
export interface NamedConnection {
  connection: VimConnection;
  field: string;
}

/** The id the instance's VIM connection has (the configured VIM's is `vim-<kind>`, as recordInstance keeps it). */
export function currentConnectionId(ctx: OpContext): string {
  return ctx.connection?.id ?? `vim-${ctx.vim.kind}`;
}

/** The members of VimConnectionInfo (SOL003 4.4.1.6), nothing else the NFVO sent beside them. */
function pick(c: GrantedVimConnection | VimConnection): VimConnection {
  return {
    id: c.id,
    vimType: c.vimType,
    ...(c.vimId !== undefined ? { vimId: c.vimId } : {}),
    ...(c.interfaceInfo !== undefined ? { interfaceInfo: { ...c.interfaceInfo } } : {}),
    ...(c.accessInfo !== undefined ? { accessInfo: { ...c.accessInfo } } : {}),
    ...(c.extra !== undefined ? { extra: structuredClone(c.extra) } : {}),
  };
}

/** The connections a grant's vimConnectionId may also name (SOL003 9.5.3.4: the instance's, or its request's). */
function knownConnections(ctx: OpContext): VimConnection[] {
  if (ctx.op.operation !== 'INSTANTIATE')
    return [...(ctx.instance.vimConnectionInfo ?? []), { id: currentConnectionId(ctx), vimType: ctx.vim.vimType }];
  const list = (ctx.op.operationParams as { vimConnectionInfo?: unknown } | undefined)?.vimConnectionInfo;
  return Array.isArray(list) ? (list as VimConnection[]) : [];
}

/**
 * The VIM connection the grant names for the resources it adds (every added resource on one VIM), else on
 * INSTANTIATE the first of its vimConnections; undefined when it names none. A vimConnectionId that names
 * neither an entry of the grant's vimConnections nor a connection the instance (or its request) has fails.
 */
export function grantedConnection(ctx: OpContext, grant: Grant): NamedConnection | undefined {
  let named: { id: string; field: string } | undefined;
  (grant.addResources ?? []).forEach((g, i) => {
    if (g.vimConnectionId === undefined) return;
    const field = `addResources[${i}].vimConnectionId`;
    if (named !== undefined && named.id !== g.vimConnectionId)
      throw new GrantNotApplicableError(
        field,
        `it puts resources of this instance on VIM connections ${named.id} and ${g.vimConnectionId}; ` +
          'this VNFM keeps an instance on one VIM',
      );
    named ??= { id: g.vimConnectionId, field };
  });
  const first = grant.vimConnections?.[0];
  if (named === undefined && ctx.op.operation === 'INSTANTIATE' && first !== undefined)
    named = { id: first.id, field: 'vimConnections[0]' };
  if (named === undefined) return undefined;
  const id = named.id;
  const j = (grant.vimConnections ?? []).findIndex((c) => c.id === id);
  const granted = grant.vimConnections?.[j];
  if (granted !== undefined) return { connection: pick(granted), field: `vimConnections[${j}]` };
  const known = knownConnections(ctx).find((c) => c.id === id);
  if (known !== undefined) return { connection: pick(known), field: named.field };
  throw new GrantNotApplicableError(
    named.field,
    `VIM connection ${id} is neither in the grant's vimConnections nor a VIM connection of the instance`,
  );
}

/** A VIM's error message without the connection's credentials (they are never in a message or an answer). */
function scrub(message: string, c: VimConnection): string {
  let out = redactText(message);
  for (const v of Object.values(c.accessInfo ?? {})) if (v.length >= 4) out = out.split(v).join('***');
  return out;
}

/**
 * Makes the granted VIM the operation's VIM: INSTANTIATE goes where the grant says (reached through the VIM
 * provider like a requested vimConnectionInfo, then asked once what it holds of the instance, so a VIM that
 * does not answer fails here, before anything is made); a later operation must be granted the instance's
 * own VIM. Answers the connection to keep in the step state (so a resumed or rolled back job finds it).
 */
export async function useGrantedVim(ctx: OpContext, named: NamedConnection | undefined): Promise<VimConnection[]> {
  if (named === undefined) return [];
  const { connection, field } = named;
  if (ctx.op.operation !== 'INSTANTIATE') {
    const current = currentConnectionId(ctx);
    if (connection.id !== current)
      throw new GrantNotApplicableError(
        field,
        `it names VIM connection ${connection.id}; the instance is on ${current} and this VNFM keeps it there`,
      );
    return [];
  }
  const vims = ctx.deps.vims;
  if (vims === undefined) throw new GrantNotApplicableError(field, 'this VNFM serves its configured VIM only');
  try {
    const vim = await vims.forConnection(connection, callOptions(ctx));
    await vim.describe(ctx.instance.id, callOptions(ctx));
    ctx.vim = vim;
    ctx.connection = connection;
  } catch (err) {
    // the provider names the VimConnectionInfo member at fault (vimConnectionInfo.interfaceInfo.endpoint ...)
    const at = err instanceof AppError && err.field?.startsWith(FIELD) ? err.field.slice(FIELD.length) : '';
    const why = err instanceof Error ? err.message : String(err);
    throw new GrantNotApplicableError(
      `${field}${at}`,
      `the VIM of connection ${connection.id} cannot be used: ${scrub(why, connection)}`,
    );
  }
  return [connection];
}

/** What the grant gave each VDU's VNFCs, as the instance records it in their metadata; null: nothing recorded. */
function recordedByVdu(instance: VnfInstance, key: 'zoneId' | 'vimFlavourId'): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const v of instance.instantiatedVnfInfo?.vnfcResourceInfo ?? []) {
    const value = v.metadata?.[key];
    out[v.vduId] ??= typeof value === 'string' ? value : null;
  }
  return out;
}
const known = (r: Record<string, string | null>): Record<string, string> =>
  Object.fromEntries(Object.entries(r).filter((e): e is [string, string] => e[1] !== null));

/** The zone each VDU's VNFCs are in, as the instance records it; null: VNFCs without a zone. */
export function recordedZones(instance: VnfInstance): Record<string, string | null> {
  return recordedByVdu(instance, 'zoneId');
}

/**
 * The availability zone of each VDU the grant adds VNFCs to (ZoneInfo.zoneId of the zone its GrantInfo
 * names). A zone the grant does not define, a zone on another VIM, or two zones for the VNFCs of one VDU
 * (the ones it adds, or those it has) fail: this VNFM keeps the VNFCs of a VDU in one zone.
 */
export function grantedZones(
  ctx: OpContext,
  grant: Grant,
  asked: readonly ResourceDefinition[] | undefined,
  vimConnectionId: string,
): Record<string, string> {
  const recorded = recordedZones(ctx.instance);
  const out: Record<string, string> = {};
  (grant.addResources ?? []).forEach((g, i) => {
    if (g.zoneId === undefined) return;
    const field = `addResources[${i}].zoneId`;
    const j = (grant.zones ?? []).findIndex((z) => z.id === g.zoneId);
    const zone = grant.zones?.[j];
    if (zone === undefined) throw new GrantNotApplicableError(field, `zone ${g.zoneId} is not in the grant's zones`);
    if (zone.vimConnectionId !== undefined && zone.vimConnectionId !== vimConnectionId)
      throw new GrantNotApplicableError(
        `zones[${j}].vimConnectionId`,
        `zone ${zone.id} is on VIM connection ${zone.vimConnectionId}; the resources go to ${vimConnectionId}`,
      );
    const def = asked?.find((d) => d.id === g.resourceDefinitionId);
    if (def?.type !== 'COMPUTE' || def.vduId === undefined) return;
    const before = def.vduId in out ? out[def.vduId] : recorded[def.vduId];
    if (before !== undefined && before !== zone.zoneId)
      throw new GrantNotApplicableError(
        field,
        `it puts a VNFC of VDU ${def.vduId} in zone ${zone.zoneId}, its other VNFCs are in ` +
          `${before === null ? 'no zone' : `zone ${before}`}; this VNFM keeps the VNFCs of a VDU in one zone`,
      );
    out[def.vduId] = zone.zoneId;
  });
  return out;
}

/** The availability zone of each VDU for this operation: the grant's, else the one its VNFCs are in. */
export function zonesInForce(ctx: OpContext): Record<string, string> {
  return { ...known(recordedZones(ctx.instance)), ...ctx.state.grant?.zones };
}

/**
 * The NFVO's flavour of each VDU for this operation (vimAssets.computeResourceFlavours): the grant's, else the
 * one its VNFCs run on. An NFVO need not repeat its flavours in each later grant (a scale, a heal): the VNFCs
 * keep them, and a VNFM that made its own flavour instead might not be allowed to (a project without admin).
 */
export function flavoursInForce(ctx: OpContext): Record<string, string> {
  return { ...known(recordedByVdu(ctx.instance, 'vimFlavourId')), ...ctx.state.grant?.flavours };
}
