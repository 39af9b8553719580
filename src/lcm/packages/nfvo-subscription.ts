import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { PkgmSubscriptionRequest } from '../../domain/schemas/pkgm-notifications';
import { redactText } from '../../errors';
import type { Logger } from '../../ports/logger';
import type { NfvoPackageSubscriptions } from '../../ports/nfvo-packages';
import type { KeptPkgmSubscription, PkgmSubscriptionStore } from '../../ports/nfvo-subscription-store';

export interface PkgmSubscriptionDeps {
  nfvo: NfvoPackageSubscriptions;
  store: PkgmSubscriptionStore;
  /** Where the NFVO sends the notifications: this VNFM's notification endpoint. */
  callbackUri: string;
  log: Logger;
}

/** How long one process may take to create the subscription before another may try. */
const LOCK_MS = 120_000;

/**
 * Makes sure the NFVO holds this VNFM's subscription to its package notifications (SOL003 10.4.7.3.1), once
 * per deployment: the one kept in Redis when the NFVO still has it (GET answers 200), else a new one, created
 * by one process under a lock while the others wait for it. A new subscription gets new Basic credentials
 * (the password sealed at rest), stored before the request, so that the NFVO's test of the endpoint passes.
 */
export async function ensurePkgmSubscription(
  deps: PkgmSubscriptionDeps,
  signal?: AbortSignal,
): Promise<{ id: string; outcome: 'kept' | 'created' }> {
  const { nfvo, store } = deps;
  for (;;) {
    signal?.throwIfAborted();
    const kept = await store.get();
    const usable = kept?.id !== undefined && kept.nfvoUrl === nfvo.nfvoUrl && kept.callbackUri === deps.callbackUri;
    if (usable && (await nfvo.exists(kept.id as string, signalOpt(signal))))
      return { id: kept.id as string, outcome: 'kept' };
    const held = await store.lock(LOCK_MS);
    if (held === undefined) {
      // another process is creating it: look again shortly
      await delay(250, undefined, signalOpt(signal));
      continue;
    }
    try {
      const now = await store.get();
      // another process replaced it between the look and the lock: check that one
      if (now?.id !== undefined && now.id !== kept?.id) continue;
      if (usable) deps.log.warn(`the NFVO no longer has package subscription ${kept.id ?? ''}: subscribing again`);
      return { id: await create(deps, kept, signal), outcome: 'created' };
    } finally {
      await held.release();
    }
  }
}

async function create(
  deps: PkgmSubscriptionDeps,
  previous: KeptPkgmSubscription | undefined,
  signal: AbortSignal | undefined,
): Promise<string> {
  const { nfvo, store } = deps;
  const pending: KeptPkgmSubscription = {
    nfvoUrl: nfvo.nfvoUrl,
    callbackUri: deps.callbackUri,
    userName: `clickvnfm-${randomBytes(6).toString('hex')}`,
    password: randomBytes(24).toString('base64url'),
    createdAt: new Date().toISOString(),
  };
  await store.put(pending);
  const request: PkgmSubscriptionRequest = {
    filter: { notificationTypes: ['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification'] },
    callbackUri: deps.callbackUri,
    authentication: { authType: ['BASIC'], paramsBasic: { userName: pending.userName, password: pending.password } },
  };
  let answer = await nfvo.subscribe(request, signalOpt(signal));
  if ('existing' in answer) {
    // the NFVO holds one for this callback already (SOL003 10.4.7.3.1, 303), with credentials no longer kept here
    deps.log.warn(`the NFVO has package subscription ${answer.existing} for this VNFM already: replacing it`);
    await nfvo.unsubscribe(answer.existing, signalOpt(signal));
    answer = await nfvo.subscribe(request, signalOpt(signal));
    if ('existing' in answer)
      throw new Error(`the NFVO answered 303 again after subscription ${answer.existing} was deleted`);
  }
  await store.put({ ...pending, id: answer.created });
  const old = previous?.id;
  if (old !== undefined && old !== answer.created && previous?.nfvoUrl === nfvo.nfvoUrl) {
    // the callback moved: the old subscription would only deliver to credentials no longer kept
    await nfvo.unsubscribe(old, signalOpt(signal)).catch((err: unknown) => {
      deps.log.warn(`the old package subscription ${old} was not deleted at the NFVO: ${message(err)}`);
    });
  }
  return answer.created;
}

export interface PkgmSubscriptionKeeper {
  /** Resolves with the subscription's id once the NFVO holds it (rejects only when stopped before). */
  ready: Promise<string>;
  /** Stops trying (the subscription stays at the NFVO: it outlives a restart). */
  stop(): Promise<void>;
}

/**
 * ensurePkgmSubscription at start, in the background: an NFVO that fails or does not answer is logged (the
 * status and the call, never a credential) and asked again with exponential backoff, and the VNFM runs on.
 * `after` runs once the subscription is held (the sweep of kept package contents).
 */
export function keepPkgmSubscription(
  deps: PkgmSubscriptionDeps,
  options: { initialBackoffMs?: number; maxBackoffMs?: number; after?: () => Promise<void> } = {},
): PkgmSubscriptionKeeper {
  const stopper = new AbortController();
  const run = async (): Promise<string> => {
    let backoff = options.initialBackoffMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await ensurePkgmSubscription(deps, stopper.signal);
        deps.log.info(`package notifications from the NFVO: subscription ${r.id} (${r.outcome})`);
        await options.after?.().catch((err: unknown) => deps.log.warn(`after subscribing: ${message(err)}`));
        return r.id;
      } catch (err) {
        if (stopper.signal.aborted) throw err;
        deps.log.warn(
          `package notifications: subscribing at the NFVO failed (attempt ${attempt}): ${message(err)}; ` +
            `again in ${Math.round(backoff / 100) / 10} s`,
        );
        await delay(backoff, undefined, { signal: stopper.signal });
        backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 300_000);
      }
    }
  };
  const ready = run();
  ready.catch(() => undefined);
  return {
    ready,
    stop: async () => {
      stopper.abort();
      await ready.catch(() => undefined);
    },
  };
}

function signalOpt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

function message(err: unknown): string {
  return redactText(err instanceof Error ? err.message : String(err));
}
