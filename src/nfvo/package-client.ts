import { createHash } from 'node:crypto';
import { UnprocessableEntityError } from '../errors';
import type { NfvoPackage, NfvoPackageSource } from '../ports/nfvo-packages';
import { NfvoError, NfvoHttp, type NfvoAuth } from './grant-client';

/** SOL004 / SOL005 checksum algorithm names -> node's hash names. */
const HASHES: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/**
 * The NFVO's VNF Package Management interface, client side (SOL003 10.4.3, 10.4.5):
 * `GET /vnfpkgm/v1/onboarded_vnf_packages/{vnfdId}` and its `/package_content`, whose bytes must match the
 * checksum the package information states (else 422: the package is not used).
 */
export class NfvoPackages implements NfvoPackageSource {
  private readonly http: NfvoHttp;

  constructor(private readonly options: { url: string; auth?: NfvoAuth; http?: NfvoHttp; timeoutMs?: number }) {
    this.http = options.http ?? new NfvoHttp(options.auth);
  }

  async byVnfdId(vnfdId: string, options: { signal?: AbortSignal } = {}): Promise<NfvoPackage | undefined> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs ?? 300_000);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const root = this.options.url.replace(/\/+$/, '');
    const base = `${root}/vnfpkgm/v1/onboarded_vnf_packages/${encodeURIComponent(vnfdId)}`;
    const info = await this.http.call('GET', base, signal);
    if (info.status === 404) return undefined;
    if (info.status !== 200) throw new NfvoError(`the NFVO answered ${info.status} for the package of VNFD ${vnfdId}`);
    let pkg: {
      id?: unknown;
      vnfdId?: unknown;
      operationalState?: unknown;
      checksum?: { algorithm?: unknown; hash?: unknown };
    };
    try {
      pkg = JSON.parse(info.text) as typeof pkg;
    } catch {
      throw new NfvoError(`the NFVO's information on the package of VNFD ${vnfdId} is not JSON`);
    }
    const algorithm = typeof pkg.checksum?.algorithm === 'string' ? pkg.checksum.algorithm.toUpperCase() : '';
    const hash = typeof pkg.checksum?.hash === 'string' ? pkg.checksum.hash.toLowerCase() : '';
    const node = HASHES[algorithm.replace(/^SHA(\d)/, 'SHA-$1')];
    if (typeof pkg.id !== 'string' || node === undefined || hash === '') {
      throw new NfvoError(`the NFVO's package of VNFD ${vnfdId} has no id or no usable checksum (SHA-256/384/512)`);
    }
    const content = await this.http.call('GET', `${base}/package_content`, signal, undefined, true);
    if (content.status !== 200 || content.bytes === undefined) {
      throw new NfvoError(`the NFVO answered ${content.status} for the content of the package of VNFD ${vnfdId}`);
    }
    const actual = createHash(node).update(content.bytes).digest('hex');
    if (actual !== hash) {
      throw new UnprocessableEntityError(
        `the NFVO's package ${pkg.id} of VNFD ${vnfdId} does not match its ${algorithm} checksum; it is not used`,
        { field: 'vnfdId' },
      );
    }
    const operationalState = pkg.operationalState === 'DISABLED' ? 'DISABLED' : 'ENABLED';
    return { vnfPkgId: pkg.id, vnfdId, checksum: { algorithm, hash }, operationalState, content: content.bytes };
  }
}
