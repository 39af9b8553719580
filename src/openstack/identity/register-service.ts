/**
 * Puts the VNFM in a Keystone catalog, where OpenStack's own clients look for it: a service of type
 * `nfv-orchestration` (Tacker's type, which python3-tackerclient's `openstack vnflcm ...` asks for) and its
 * public, internal and admin endpoints at the VNFM's base URL (clients append /vnflcm/v1/...). Idempotent:
 * what is there already is kept; a different URL is updated in place.
 */
import type { Interface } from './v3/auth';
import type { IdentityV3, KeystoneEndpoint } from './v3/identity';

export const NFV_ORCHESTRATION = 'nfv-orchestration';
const INTERFACES: readonly Interface[] = ['public', 'internal', 'admin'];

export interface RegisterServiceOptions {
  /** The VNFM's base URL as clients reach it, e.g. `http://vnfm.example:9890/`. */
  url: string;
  /** The service name (default `clickvnfm`). */
  name?: string;
  /** The endpoints' region (absent: endpoints without a region). */
  region?: string;
  signal?: AbortSignal;
}

export type Change = 'created' | 'updated' | 'unchanged';

export interface RegisterServiceResult {
  service: { id: string; name: string; change: 'created' | 'enabled' | 'unchanged' };
  endpoints: Array<{ interface: Interface; id: string; url: string; change: Change; was?: string }>;
  /** Other services of the same type (e.g. a Tacker): clients may pick either. */
  others: Array<{ id: string; name: string }>;
  /** Whether anything was created or updated. */
  changed: boolean;
}

const same = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

export async function registerService(identity: IdentityV3, o: RegisterServiceOptions): Promise<RegisterServiceResult> {
  const name = o.name ?? 'clickvnfm';
  const s = o.signal !== undefined ? { signal: o.signal } : {};
  const services = await identity.listServices({ type: NFV_ORCHESTRATION }, s);
  const mine = services.find((x) => x.name === name);
  let change: RegisterServiceResult['service']['change'] = 'unchanged';
  let service = mine;
  if (service === undefined) {
    const description = 'click-osv-vnfm: ETSI SOL003 VNF manager';
    service = await identity.createService({ type: NFV_ORCHESTRATION, name, description, enabled: true }, s);
    change = 'created';
  } else if (service.enabled === false) {
    // a disabled service is left out of the catalog: clients would not find it
    service = await identity.updateService(service.id, { enabled: true }, s);
    change = 'enabled';
  }
  const serviceId = service.id;
  const existing = await identity.listEndpoints({ service_id: serviceId }, s);
  const inRegion = (e: KeystoneEndpoint): boolean => (e.region_id ?? undefined) === o.region;
  const endpoints: RegisterServiceResult['endpoints'] = [];
  for (const iface of INTERFACES) {
    const found = existing.find((e) => e.service_id === serviceId && e.interface === iface && inRegion(e));
    if (found === undefined) {
      const created = await identity.createEndpoint(
        {
          service_id: serviceId,
          interface: iface,
          url: o.url,
          enabled: true,
          ...(o.region !== undefined ? { region_id: o.region } : {}),
        },
        s,
      );
      endpoints.push({ interface: iface, id: created.id, url: created.url, change: 'created' });
    } else if (!same(found.url, o.url) || found.enabled === false) {
      const updated = await identity.updateEndpoint(found.id, { url: o.url, enabled: true }, s);
      endpoints.push({ interface: iface, id: found.id, url: updated.url, change: 'updated', was: found.url });
    } else {
      endpoints.push({ interface: iface, id: found.id, url: found.url, change: 'unchanged' });
    }
  }
  return {
    service: { id: serviceId, name, change },
    endpoints,
    others: services.filter((x) => x.id !== serviceId).map((x) => ({ id: x.id, name: x.name ?? '' })),
    changed: change !== 'unchanged' || endpoints.some((e) => e.change !== 'unchanged'),
  };
}
