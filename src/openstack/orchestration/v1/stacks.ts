import { OpenStackNotFoundError } from '../../client/errors';
import { collect, paginate } from '../../client/paginate';
import type { ServiceClient } from '../../client/service-client';

export interface Stack {
  id: string;
  stack_name: string;
  stack_status: string;
  stack_status_reason?: string;
  outputs?: Array<{ output_key: string; output_value: unknown; output_error?: string }>;
  parameters?: Record<string, string>;
  creation_time?: string;
  updated_time?: string | null;
}

export interface StackResource {
  resource_name: string;
  resource_type: string;
  resource_status: string;
  resource_status_reason?: string;
  physical_resource_id: string;
  logical_resource_id?: string;
  links: Array<{ rel: string; href: string }>;
  /** the stack this resource belongs to (for nested stacks): "<name>/<id>" */
  stack_name?: string;
  parent_resource?: string;
}

export interface StackEvent {
  id: string;
  resource_name: string;
  resource_status: string;
  resource_status_reason?: string;
  event_time: string;
  physical_resource_id?: string;
}

export interface StackBody {
  stack_name?: string;
  template: Record<string, unknown>;
  files?: Record<string, string>;
  parameters?: Record<string, unknown>;
  timeout_mins?: number;
  disable_rollback?: boolean;
  tags?: string;
}

type Sig = { signal?: AbortSignal };

/** Heat's orchestration v1 (the endpoint carries the project id). */
export class OrchestrationV1 {
  constructor(private readonly c: ServiceClient) {}

  async create(b: StackBody & { stack_name: string }, s: Sig = {}): Promise<{ id: string }> {
    return (await this.c.request<{ stack: { id: string } }>('POST', '/stacks', { ok: [201], body: b, ...s })).data
      .stack;
  }

  /**
   * The stack by name or id; undefined when there is none (or it is deleted). Heat answers a name with a
   * 302 to name/id.
   */
  async find(nameOrId: string, s: Sig = {}): Promise<Stack | undefined> {
    try {
      const r = await this.c.request<{ stack?: Stack }>('GET', `/stacks/${encodeURIComponent(nameOrId)}`, {
        ok: [200, 302],
        ...s,
      });
      if (r.status === 302) {
        const loc = r.headers['location'];
        if (loc === undefined) return undefined;
        return (await this.c.request<{ stack: Stack }>('GET', loc, { ok: [200], ...s })).data.stack;
      }
      return r.data.stack;
    } catch (err) {
      if (err instanceof OpenStackNotFoundError) return undefined;
      throw err;
    }
  }

  async get(name: string, id: string, s: Sig = {}): Promise<Stack> {
    return (
      await this.c.request<{ stack: Stack }>('GET', `/stacks/${encodeURIComponent(name)}/${id}`, { ok: [200], ...s })
    ).data.stack;
  }

  /** Replaces template, files and parameters (PUT). */
  async update(name: string, id: string, b: StackBody, s: Sig = {}): Promise<void> {
    await this.c.request('PUT', `/stacks/${encodeURIComponent(name)}/${id}`, { ok: [202], body: b, ...s });
  }

  /** Updates with the existing template and parameters, changing only what is given (PATCH). */
  async patch(name: string, id: string, b: Partial<StackBody>, s: Sig = {}): Promise<void> {
    await this.c.request('PATCH', `/stacks/${encodeURIComponent(name)}/${id}`, {
      ok: [202],
      body: b,
      idempotent: true,
      ...s,
    });
  }

  async delete(name: string, id: string, s: Sig = {}): Promise<void> {
    try {
      await this.c.request('DELETE', `/stacks/${encodeURIComponent(name)}/${id}`, { ok: [204], ...s });
    } catch (err) {
      if (!(err instanceof OpenStackNotFoundError)) throw err;
    }
  }

  async list(filters: Record<string, string> = {}, s: Sig = {}): Promise<Stack[]> {
    return collect(
      paginate<Stack>(this.c, '/stacks', 'stacks', {
        query: filters,
        markerPaging: { limit: 100, id: (x) => x.id },
        ...s,
      }),
    );
  }

  async resources(name: string, id: string, o: Sig & { nestedDepth?: number } = {}): Promise<StackResource[]> {
    return (
      await this.c.request<{ resources: StackResource[] }>(
        'GET',
        `/stacks/${encodeURIComponent(name)}/${id}/resources`,
        { ok: [200], query: { nested_depth: o.nestedDepth ?? 0 }, ...(o.signal ? { signal: o.signal } : {}) },
      )
    ).data.resources;
  }

  /** Marks a resource unhealthy so that the next update replaces it (how a server is healed). */
  async markUnhealthy(
    stackName: string,
    stackId: string,
    resource: string,
    reason: string,
    s: Sig = {},
  ): Promise<void> {
    await this.c.request(
      'PATCH',
      `/stacks/${encodeURIComponent(stackName)}/${stackId}/resources/${encodeURIComponent(resource)}`,
      { ok: [200], body: { mark_unhealthy: true, resource_status_reason: reason }, idempotent: true, ...s },
    );
  }

  /** Events, newest first (sort_dir=desc); nested_depth to include the nested stacks'. */
  async events(
    name: string,
    id: string,
    o: Sig & { nestedDepth?: number; limit?: number } = {},
  ): Promise<StackEvent[]> {
    return (
      await this.c.request<{ events: StackEvent[] }>('GET', `/stacks/${encodeURIComponent(name)}/${id}/events`, {
        ok: [200],
        query: { nested_depth: o.nestedDepth ?? 2, sort_dir: 'desc', limit: o.limit ?? 200 },
        ...(o.signal ? { signal: o.signal } : {}),
      })
    ).data.events;
  }
}
