/**
 * Where a VNF package is downloaded from (POST package_content/upload_from_uri). The adapter sends the
 * request through the VNFM's outbound-URL guard: http/https only, no refused destination (cloud metadata,
 * link-local, ...), no redirects, a size limit and a timeout.
 *
 * @see ETSI GS NFV-SOL 005 v2.6.1 clause 9.4.6
 */

/** HTTP Basic credentials for the download; used for the one request, never stored or logged. */
export interface PackageSourceAuth {
  userName?: string;
  password?: string;
}

/**
 * Downloads the CSAR at `uri`. Every failure is an AppError whose message says why (a refused
 * destination, the status the source answered, over the size limit, a timeout) without the credentials.
 */
export type FetchPackage = (uri: string, auth?: PackageSourceAuth) => Promise<Buffer>;

/**
 * Checks `uri` against the outbound policy before any request (scheme, userinfo, the addresses its host
 * resolves to): a refused destination throws DisallowedDestinationError (422) naming the rule. A host that
 * does not resolve is not refused here (the download then fails and says so).
 */
export type CheckPackageUri = (uri: string) => Promise<void>;
