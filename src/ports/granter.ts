/**
 * The NFVO's Grant interface as the LCM engine sees it (SOL003 clause 9, VNFM side): before an operation
 * touches the VIM it asks for a grant; the answer may name the VIM assets (flavours, images) to use.
 * Without an NFVO no granter is configured and the VNFM grants itself (it asks nobody).
 */
import type { Grant, GrantRequest } from '../domain/schemas/grant';

export type { Grant, GrantRequest };

export interface Granter {
  /**
   * Asks for a grant and waits for it (an asynchronous grant is polled until the NFVO decides). A
   * refusal rejects with GrantRefusedError carrying the NFVO's ProblemDetails. The adapter adds the
   * request's `_links` (absolute URIs of the op-occ and the instance): the LCM layer knows no URL.
   */
  grant(request: Omit<GrantRequest, '_links'>, options?: { signal?: AbortSignal }): Promise<Grant>;
}
