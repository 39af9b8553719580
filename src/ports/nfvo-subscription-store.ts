/**
 * What the VNFM keeps, shared by all its processes, about its subscription to the NFVO's package
 * notifications (SOL003 10.4.7): the subscription, the notifications already taken, and the contents of
 * packages the NFVO deleted that instances still use.
 */
export interface KeptPkgmSubscription {
  /** The NFVO's id of the subscription; absent while it is being created. */
  id?: string;
  nfvoUrl: string;
  callbackUri: string;
  /** The Basic credentials the NFVO sends with every notification (the password sealed at rest). */
  userName: string;
  password: string;
  createdAt: string;
}

/** A notification's place in the at-most-once bookkeeping. */
export type NotificationClaim = 'claimed' | 'pending' | 'done';

export interface PkgmSubscriptionStore {
  get(): Promise<KeptPkgmSubscription | undefined>;
  put(subscription: KeptPkgmSubscription): Promise<void>;
  /** The creation lock (one process creates the subscription); undefined when another holds it. */
  lock(ttlMs: number): Promise<{ release(): Promise<void> } | undefined>;
  /**
   * Claims a notification id: 'claimed' (first seen, now being applied), 'pending' (another delivery of it
   * is being applied) or 'done' (applied already).
   */
  claimNotification(id: string, pendingTtlMs: number): Promise<NotificationClaim>;
  /** Records a claimed notification as applied, remembered for `ttlSeconds`. */
  finishNotification(id: string, ttlSeconds: number): Promise<void>;
  /** Gives a claim up (applying failed): the NFVO's next delivery applies it. */
  releaseNotification(id: string): Promise<void>;
  /** Package contents kept after their package was deleted at the NFVO, for the instances that use them. */
  keepContent(vnfPkgId: string): Promise<void>;
  keptContents(): Promise<string[]>;
  forgetContent(vnfPkgId: string): Promise<void>;
}
