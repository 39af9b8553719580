import type { PkgmSubscriptionRequest } from '../domain/schemas/pkgm-notifications';
import type { NfvoPackageSubscriptions, PkgmSubscribeResult } from '../ports/nfvo-packages';
import { NfvoError, NfvoHttp, type NfvoAuth } from './grant-client';

/**
 * The NFVO's package notification subscriptions, client side (SOL003 10.4.7.3.1 POST, 10.4.8.3.2 GET,
 * 10.4.8.3.5 DELETE). Errors name the call and the status, never the request (it carries the callback's
 * credentials).
 */
export class NfvoPkgmSubscriptions implements NfvoPackageSubscriptions {
  private readonly http: NfvoHttp;
  private readonly base: string;

  constructor(private readonly options: { url: string; auth?: NfvoAuth; http?: NfvoHttp; timeoutMs?: number }) {
    this.http = options.http ?? new NfvoHttp(options.auth);
    this.base = `${options.url.replace(/\/+$/, '')}/vnfpkgm/v1/subscriptions`;
  }

  get nfvoUrl(): string {
    return this.options.url;
  }

  async subscribe(
    request: PkgmSubscriptionRequest,
    options: { signal?: AbortSignal } = {},
  ): Promise<PkgmSubscribeResult> {
    const res = await this.http.call('POST', this.base, this.signal(options), request);
    if (res.status === 303 && res.location !== undefined) return { existing: lastSegment(res.location) };
    if (res.status !== 201) throw new NfvoError(`the NFVO answered ${res.status} to the package subscription request`);
    let id: unknown;
    try {
      id = (JSON.parse(res.text) as { id?: unknown }).id;
    } catch {
      // below
    }
    if (typeof id !== 'string' || id === '')
      throw new NfvoError('the NFVO created a package subscription but answered no PkgmSubscription with an id');
    return { created: id };
  }

  async exists(id: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const res = await this.http.call('GET', this.url(id), this.signal(options));
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw new NfvoError(`the NFVO answered ${res.status} for package subscription ${id}`);
  }

  async unsubscribe(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const res = await this.http.call('DELETE', this.url(id), this.signal(options));
    if (res.status !== 204 && res.status !== 404)
      throw new NfvoError(`the NFVO answered ${res.status} to deleting package subscription ${id}`);
  }

  private url(id: string): string {
    return `${this.base}/${encodeURIComponent(id)}`;
  }

  private signal(options: { signal?: AbortSignal }): AbortSignal {
    const deadline = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    return options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  }
}

/** The subscription id a Location names (its last path segment). */
function lastSegment(location: string): string {
  try {
    const path = new URL(location, 'http://nfvo').pathname.replace(/\/+$/, '');
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    throw new NfvoError('the NFVO answered 303 with a Location that is not a URI');
  }
}
