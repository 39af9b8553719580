import type { PkgmSubscriptionRequest } from '../domain/schemas/pkgm-notifications';
import type { PackageOperationalState } from '../domain/vnf-package';

/**
 * The NFVO's VNF Package Management interface as the VNFM consumes it (SOL003 clause 10): the onboarded
 * package that carries a VNFD, with its content, checked against the checksum the NFVO states.
 */
export interface NfvoPackage {
  /** The NFVO's id of the package. */
  vnfPkgId: string;
  vnfdId: string;
  checksum: { algorithm: string; hash: string };
  /** The package's operational state at the NFVO (ENABLED when it states none). */
  operationalState: PackageOperationalState;
  /** The CSAR, its checksum verified. */
  content: Buffer;
}

export interface NfvoPackageSource {
  /** The NFVO's onboarded package of this VNFD; undefined when the NFVO has none (404). */
  byVnfdId(vnfdId: string, options?: { signal?: AbortSignal }): Promise<NfvoPackage | undefined>;
}

/** What the NFVO answered a subscription request: a new subscription, or (303) the one it already has. */
export type PkgmSubscribeResult = { created: string } | { existing: string };

/**
 * The NFVO's subscriptions to package notifications (SOL003 10.4.7, 10.4.8), VNFM side. Every call throws
 * (a 502 error naming the status, never a credential) when the NFVO does not answer as the spec says.
 */
export interface NfvoPackageSubscriptions {
  /** The NFVO's API root: a subscription kept for another NFVO is not its to check. */
  readonly nfvoUrl: string;
  /** `POST /vnfpkgm/v1/subscriptions`: 201 with the new one, or 303 with the Location of an existing one. */
  subscribe(request: PkgmSubscriptionRequest, options?: { signal?: AbortSignal }): Promise<PkgmSubscribeResult>;
  /** `GET /vnfpkgm/v1/subscriptions/{id}`: true on 200, false on 404. */
  exists(id: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** `DELETE /vnfpkgm/v1/subscriptions/{id}`: 204, or 404 (gone already). */
  unsubscribe(id: string, options?: { signal?: AbortSignal }): Promise<void>;
}
