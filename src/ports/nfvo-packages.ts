/**
 * The NFVO's VNF Package Management interface as the VNFM consumes it (SOL003 clause 10): the onboarded
 * package that carries a VNFD, with its content, checked against the checksum the NFVO states.
 */
export interface NfvoPackage {
  /** The NFVO's id of the package. */
  vnfPkgId: string;
  vnfdId: string;
  checksum: { algorithm: string; hash: string };
  /** The CSAR, its checksum verified. */
  content: Buffer;
}

export interface NfvoPackageSource {
  /** The NFVO's onboarded package of this VNFD; undefined when the NFVO has none (404). */
  byVnfdId(vnfdId: string, options?: { signal?: AbortSignal }): Promise<NfvoPackage | undefined>;
}
