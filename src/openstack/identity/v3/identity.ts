import { OpenStackNotFoundError } from '../../client/errors';
import type { ServiceClient } from '../../client/service-client';
import type { Interface } from './auth';

export interface KeystoneService {
  id: string;
  type: string;
  name?: string;
  description?: string;
  enabled?: boolean;
}

export interface KeystoneEndpoint {
  id: string;
  service_id: string;
  interface: Interface;
  url: string;
  region_id?: string | null;
  enabled?: boolean;
}

export interface CreateEndpointOpts {
  service_id: string;
  interface: Interface;
  url: string;
  region_id?: string;
  enabled?: boolean;
}

interface Named {
  id: string;
  name: string;
  domain?: { id?: string; name?: string };
}

/** The body of a validated token (GET /v3/auth/tokens), what the VNFM reads of it. */
export interface ValidatedToken {
  expires_at: string;
  user: Named;
  project?: Named;
  domain?: { id: string; name: string };
  roles?: Array<{ id: string; name: string }>;
}

type Sig = { signal?: AbortSignal };

/**
 * Keystone v3 (the client's endpoint is `<auth url>/v3`): token validation as keystonemiddleware does it
 * (the caller's token in X-Auth-Token, the one to check in X-Subject-Token), services and endpoints.
 */
export class IdentityV3 {
  constructor(private readonly c: ServiceClient) {}

  /** The subject token's body; undefined when Keystone does not know it (404: unknown, revoked or expired). */
  async validateToken(subject: string, s: Sig & { timeoutMs?: number } = {}): Promise<ValidatedToken | undefined> {
    try {
      const res = await this.c.request<{ token: ValidatedToken }>('GET', '/auth/tokens', {
        ok: [200],
        headers: { 'X-Subject-Token': subject },
        query: { nocatalog: '1' },
        ...s,
      });
      return res.data.token;
    } catch (err) {
      if (err instanceof OpenStackNotFoundError) return undefined;
      throw err;
    }
  }

  async listServices(filters: { type?: string; name?: string } = {}, s: Sig = {}): Promise<KeystoneService[]> {
    const res = await this.c.request<{ services: KeystoneService[] }>('GET', '/services', {
      ok: [200],
      query: filters,
      ...s,
    });
    return res.data.services;
  }

  async createService(b: Omit<KeystoneService, 'id'>, s: Sig = {}): Promise<KeystoneService> {
    const res = await this.c.request<{ service: KeystoneService }>('POST', '/services', {
      ok: [201],
      body: { service: b },
      ...s,
    });
    return res.data.service;
  }

  async updateService(id: string, b: Partial<Omit<KeystoneService, 'id'>>, s: Sig = {}): Promise<KeystoneService> {
    const res = await this.c.request<{ service: KeystoneService }>('PATCH', `/services/${id}`, {
      ok: [200],
      body: { service: b },
      idempotent: true,
      ...s,
    });
    return res.data.service;
  }

  async listEndpoints(
    filters: { service_id?: string; interface?: Interface; region_id?: string } = {},
    s: Sig = {},
  ): Promise<KeystoneEndpoint[]> {
    const res = await this.c.request<{ endpoints: KeystoneEndpoint[] }>('GET', '/endpoints', {
      ok: [200],
      query: filters,
      ...s,
    });
    return res.data.endpoints;
  }

  async createEndpoint(b: CreateEndpointOpts, s: Sig = {}): Promise<KeystoneEndpoint> {
    const res = await this.c.request<{ endpoint: KeystoneEndpoint }>('POST', '/endpoints', {
      ok: [201],
      body: { endpoint: b },
      ...s,
    });
    return res.data.endpoint;
  }

  /** PATCH: setting the same values twice is harmless, so the call is retried like a PUT. */
  async updateEndpoint(
    id: string,
    b: Partial<Omit<CreateEndpointOpts, 'service_id'>>,
    s: Sig = {},
  ): Promise<KeystoneEndpoint> {
    const res = await this.c.request<{ endpoint: KeystoneEndpoint }>('PATCH', `/endpoints/${id}`, {
      ok: [200],
      body: { endpoint: b },
      idempotent: true,
      ...s,
    });
    return res.data.endpoint;
  }
}
