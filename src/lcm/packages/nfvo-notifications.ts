import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Value } from '@sinclair/typebox/value';
import {
  VnfPackageChangeNotificationSchema,
  VnfPackageOnboardingNotificationSchema,
  type PkgmNotification,
  type VnfPackageChangeNotification,
} from '../../domain/schemas/pkgm-notifications';
import { nfvoOriginOf, type VnfPkgInfo } from '../../domain/vnf-package';
import { BadRequestError, ServiceUnavailableError, UnauthorizedError } from '../../errors';
import type { Logger } from '../../ports/logger';
import type { PkgmSubscriptionStore } from '../../ports/nfvo-subscription-store';
import type { VnfPackageRepository } from '../../ports/package-store';
import type { VnfInstanceRepository } from '../../ports/store';

/** What taking the NFVO's package notifications needs (all of it in Redis: any process may take one). */
export interface PkgmNotificationDeps {
  packages: VnfPackageRepository;
  instances: VnfInstanceRepository;
  store: PkgmSubscriptionStore;
  /** The per-VNFD lock NfvoBackedCatalog fetches under: a notification is not applied half-way through a fetch. */
  lock: (vnfdId: string) => Promise<{ release(): Promise<void> } | undefined>;
  /** How long a notification id is remembered once applied (default one day). */
  seenTtlSeconds?: number;
  /** How long a notification waits for a fetch of its VNFD to end (default 20 s; then 503, the NFVO retries). */
  lockWaitMs?: number;
  log?: Logger;
}

const CHALLENGE = 'Basic realm="clickvnfm-nfvo-notifications"';
/** How long a delivery being applied keeps its claim (a process that dies mid-way frees it after this). */
const PENDING_MS = 60_000;

/**
 * The NFVO's credentials on a notification (or on the endpoint test): the Basic user and password this
 * VNFM gave in its subscription. 401 otherwise; the message never says which part was wrong.
 */
export async function authenticateNfvo(store: PkgmSubscriptionStore, authorization: string | undefined): Promise<void> {
  const kept = await store.get();
  const [scheme = '', value = ''] = (authorization ?? '').trim().split(/\s+/, 2);
  const expected = kept === undefined ? undefined : `${kept.userName}:${kept.password}`;
  const given = scheme.toLowerCase() === 'basic' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  // compared as digests, in constant time; a missing subscription still pays one comparison
  const ok = timingSafeEqual(digest(given ?? '\0'), digest(expected ?? '\u0001')) && given !== undefined;
  if (!ok || expected === undefined)
    throw new UnauthorizedError(
      "the NFVO's notification needs the Basic credentials of this VNFM's subscription",
      CHALLENGE,
    );
}

/** A notification as SOL003 10.5.2.5 / 10.5.2.6 state it, or a 400 naming the first field that is not. */
export function parsePkgmNotification(body: unknown): PkgmNotification {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequestError('the notification is not a JSON object', { field: 'body' });
  const type = (body as Record<string, unknown>)['notificationType'];
  const schema =
    type === 'VnfPackageOnboardingNotification'
      ? VnfPackageOnboardingNotificationSchema
      : type === 'VnfPackageChangeNotification'
        ? VnfPackageChangeNotificationSchema
        : undefined;
  if (schema === undefined) {
    const shown = JSON.stringify(type ?? null).slice(0, 80);
    throw new BadRequestError(
      `notificationType ${shown} is not VnfPackageOnboardingNotification or VnfPackageChangeNotification`,
      { field: 'notificationType' },
    );
  }
  const first = Value.Errors(schema, body).First();
  if (first !== undefined) {
    const field = first.path.replace(/^\//, '').replace(/\//g, '.') || 'body';
    const literals = (first.schema.anyOf as Array<{ const?: unknown }> | undefined)?.map((s) => String(s.const));
    const why = literals !== undefined ? `must be one of ${literals.join(', ')}` : first.message;
    throw new BadRequestError(`notification ${field}: ${why}`, { field });
  }
  const n = body as PkgmNotification;
  if (n.notificationType === 'VnfPackageChangeNotification' && n.changeType === 'OP_STATE_CHANGE') {
    if (n.operationalState === undefined)
      throw new BadRequestError('notification operationalState: required when changeType is OP_STATE_CHANGE', {
        field: 'operationalState',
      });
  }
  return n;
}

/**
 * Takes a notification at most once per id: applied and remembered (`done`, for seenTtlSeconds), or
 * acknowledged without applying it again ('duplicate'). A delivery that comes while another of the same
 * id is being applied is a 503 (the NFVO delivers it again; by then it is `done`). When applying fails,
 * the id is given up, so the NFVO's next delivery applies it.
 */
export async function takePkgmNotification(
  deps: PkgmNotificationDeps,
  n: PkgmNotification,
): Promise<'applied' | 'duplicate'> {
  const claim = await deps.store.claimNotification(n.id, PENDING_MS);
  if (claim === 'done') return 'duplicate';
  if (claim === 'pending')
    throw new ServiceUnavailableError(`notification ${n.id} is being applied by another delivery; deliver it later`);
  try {
    if (n.notificationType === 'VnfPackageChangeNotification') await applyChange(deps, n);
    else deps.log?.info(`NFVO notification ${n.id}: package ${n.vnfPkgId} (vnfdId ${n.vnfdId}) onboarded there`);
  } catch (err) {
    await deps.store.releaseNotification(n.id);
    throw err;
  }
  await deps.store.finishNotification(n.id, deps.seenTtlSeconds ?? 86_400);
  return 'applied';
}

async function applyChange(deps: PkgmNotificationDeps, n: VnfPackageChangeNotification): Promise<void> {
  const held = await waitForLock(deps, n.vnfdId);
  try {
    const page = await deps.packages.list({ filter: [{ op: 'eq', path: ['vnfdId'], values: [n.vnfdId] }], limit: 100 });
    const cached = page.items.filter((p) => nfvoOriginOf(p)?.nfvoVnfPkgId === n.vnfPkgId);
    // a package not taken from the NFVO yet: a later fetch reads its state from the NFVO
    for (const pkg of cached) {
      if (n.changeType === 'PKG_DELETE') await evict(deps, pkg);
      else await deps.packages.update(pkg.id, (p) => withNfvoState(p, n));
    }
    if (n.changeType === 'PKG_DELETE') await sweepKeptContents(deps);
    const what = n.changeType === 'PKG_DELETE' ? 'deleted' : (n.operationalState ?? '');
    deps.log?.info(
      `NFVO notification ${n.id}: package ${n.vnfPkgId} (vnfdId ${n.vnfdId}) ${what}; ` +
        `${cached.length} local package(s) changed`,
    );
  } finally {
    await held.release();
  }
}

/** The package with the NFVO's new state; unchanged when the notification is older than the state it has. */
function withNfvoState(p: VnfPkgInfo, n: VnfPackageChangeNotification): VnfPkgInfo | undefined {
  const state = n.operationalState;
  const before = nfvoOriginOf(p)?.nfvoStateChangedAt;
  if (state === undefined || (before !== undefined && Date.parse(before) > Date.parse(n.timeStamp))) return undefined;
  const userDefinedData = { ...p.userDefinedData, nfvoOperationalState: state, nfvoStateChangedAt: n.timeStamp };
  // a package still being onboarded takes the NFVO's state when its fetch ends (NfvoBackedCatalog)
  return { ...p, userDefinedData, ...(p.onboardingState === 'ONBOARDED' ? { operationalState: state } : {}) };
}

/**
 * The NFVO deleted the package: its local copy goes. Instances that use it keep running: its content stays
 * (by package id, which is how their operations read it) until none uses it.
 */
async function evict(deps: PkgmNotificationDeps, pkg: VnfPkgInfo): Promise<void> {
  if (await inUse(deps.instances, pkg.id)) await deps.store.keepContent(pkg.id);
  else await deps.packages.deleteContent(pkg.id);
  await deps.packages.delete(pkg.id);
}

/** Drops the kept contents of deleted packages that no instance uses any more. */
export async function sweepKeptContents(deps: Pick<PkgmNotificationDeps, 'packages' | 'instances' | 'store'>) {
  for (const id of await deps.store.keptContents()) {
    if (await inUse(deps.instances, id)) continue;
    if ((await deps.packages.get(id)) === undefined) await deps.packages.deleteContent(id);
    await deps.store.forgetContent(id);
  }
}

async function inUse(instances: VnfInstanceRepository, vnfPkgId: string): Promise<boolean> {
  const page = await instances.list({ filter: [{ op: 'eq', path: ['vnfPkgId'], values: [vnfPkgId] }], limit: 1 });
  return page.items.length > 0;
}

async function waitForLock(deps: PkgmNotificationDeps, vnfdId: string): Promise<{ release(): Promise<void> }> {
  const until = Date.now() + (deps.lockWaitMs ?? 20_000);
  for (;;) {
    const held = await deps.lock(vnfdId);
    if (held !== undefined) return held;
    if (Date.now() > until)
      throw new ServiceUnavailableError(`the package of VNFD ${vnfdId} is being fetched from the NFVO; deliver later`);
    await delay(100);
  }
}
