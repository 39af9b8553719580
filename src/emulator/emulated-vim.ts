import { textRequest, type TextAnswer } from '../net/text-http';
import { AppError } from '../errors';
import type { SwImageSpec, Vim, VimCallOptions, VnfcResource, VnfcStatus, VnfDeployment, VnicType } from '../ports/vim';
import type { CloudServer, CloudVdu } from './cloud-model';

/** The emulated cloud refused or failed a request; the message says what and why. */
export class EmulatedVimError extends AppError {
  readonly status: number = 502;
  readonly title: string = 'Bad Gateway';
  constructor(
    message: string,
    readonly details: { method: string; url: string; httpStatus?: number } = { method: '', url: '' },
    cause?: unknown,
  ) {
    super(message, cause === undefined ? {} : { cause });
  }
}

export interface EmulatedVimOptions {
  /** Per-call timeout (30 s by default; apply waits for every server of the instance). */
  timeoutMs?: number;
}

/**
 * The `Vim` port on the emulated cloud (`clickvnfm emulate-cloud`, or an EmulatedCloud the
 * composition root starts), over HTTP. Every call is idempotent: apply is create-or-update by
 * instance id and VDU, and every server and image use is tagged with the instance id.
 *
 * @example
 * const vim = new EmulatedVim('http://127.0.0.1:9891');
 * const vnfcs = await vim.apply(deployment);   // one emulated VM per VNFC
 * await vim.destroy(deployment.vnfInstanceId);
 * expect(await vim.leftovers(deployment.vnfInstanceId)).toEqual([]);
 */
export class EmulatedVim implements Vim {
  readonly kind = 'emulated';
  readonly vimType = 'CLICKVNFM.EMULATED.v_1';
  /** The emulated cloud stands in for Nova: its servers are named as Nova's. */
  readonly computeResourceType = 'OS::Nova::Server';

  constructor(
    private readonly cloudUrl: string,
    private readonly options: EmulatedVimOptions = {},
  ) {}

  private async call(method: string, path: string, body?: unknown, options?: VimCallOptions): Promise<unknown> {
    const url = `${this.cloudUrl.replace(/\/$/, '')}${path}`;
    // one deadline for the whole call, body included
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      ...(options?.signal ? [options.signal] : []),
    ]);
    let res: TextAnswer;
    try {
      res = await textRequest({
        url,
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
        signal,
      });
    } catch (e) {
      // an aborted call rejects with the signal's reason, which says why (timeout or the caller)
      const err = signal.aborted ? (signal.reason as unknown) : e;
      const why = err instanceof Error ? err.message : String(err);
      throw new EmulatedVimError(
        `${method} ${path}: the emulated cloud at ${this.cloudUrl} did not answer (${why})`,
        { method, url },
        err,
      );
    }
    const text = res.text;
    if (res.status >= 400) {
      let message = text;
      try {
        const m = (JSON.parse(text) as { message?: unknown }).message;
        if (typeof m === 'string') message = m;
      } catch {
        // keep the text
      }
      throw new EmulatedVimError(`${method} ${path}: the emulated cloud answered ${res.status}: ${message}`, {
        method,
        url,
        httpStatus: res.status,
      });
    }
    try {
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch (err) {
      throw new EmulatedVimError(
        `${method} ${path}: the emulated cloud answered something that is not JSON`,
        { method, url, httpStatus: res.status },
        err,
      );
    }
  }

  private async servers(
    method: string,
    path: string,
    body?: unknown,
    options?: VimCallOptions,
  ): Promise<VnfcResource[]> {
    const v = await this.call(method, path, body, options);
    if (!Array.isArray(v))
      throw new EmulatedVimError(`${method} ${path}: expected a list of servers`, { method, url: path });
    return v.map((s) => toVnfc(s as CloudServer));
  }

  async ensureImages(
    vnfInstanceId: string,
    images: SwImageSpec[],
    options?: VimCallOptions,
  ): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const img of images) {
      if (img.vimImageId !== undefined) {
        out[img.name] = img.vimImageId;
        continue;
      }
      const r = (await this.call(
        'POST',
        '/images',
        { name: img.name, checksum: img.checksum.hash, instanceId: vnfInstanceId },
        options,
      )) as { id?: unknown } | undefined;
      if (typeof r?.id !== 'string')
        throw new EmulatedVimError(`POST /images: no image id in the answer`, { method: 'POST', url: '/images' });
      out[img.name] = r.id;
    }
    return out;
  }

  /** Create-or-update; a server that ends in ERROR fails the call with its reason. */
  async apply(d: VnfDeployment, options?: VimCallOptions): Promise<VnfcResource[]> {
    const vdus: CloudVdu[] = d.vdus.map((v) => ({
      vduId: v.vduId,
      count: v.count,
      dialect: v.dialect,
      cps: v.cps.map((c) => ({ cpdId: c.cpdId, order: c.order, vnicType: c.vnicType, management: c.management })),
      ...(v.image.vimImageId !== undefined ? { imageId: v.image.vimImageId } : {}),
      ...(v.availabilityZone !== undefined ? { availabilityZone: v.availabilityZone } : {}),
    }));
    const servers = await this.servers('PUT', `/stacks/${encodeURIComponent(d.vnfInstanceId)}`, { vdus }, options);
    const failed = servers.filter((s) => s.status === 'ERROR');
    if (failed.length > 0) {
      const why = failed.map((s) => `${s.name}: ${s.metadata?.['fault'] ?? 'ERROR'}`).join('; ');
      throw new EmulatedVimError(`creating the servers of VNF instance ${d.vnfInstanceId} failed: ${why}`, {
        method: 'PUT',
        url: `/stacks/${d.vnfInstanceId}`,
      });
    }
    return servers;
  }

  async describe(vnfInstanceId: string, options?: VimCallOptions): Promise<VnfcResource[]> {
    return this.servers('GET', `/stacks/${encodeURIComponent(vnfInstanceId)}`, undefined, options);
  }

  async heal(
    vnfInstanceId: string,
    resourceId: string,
    options?: VimCallOptions & { imageId?: string },
  ): Promise<VnfcResource> {
    const s = await this.call(
      'POST',
      `/stacks/${encodeURIComponent(vnfInstanceId)}/servers/${encodeURIComponent(resourceId)}/replace`,
      options?.imageId !== undefined ? { imageId: options.imageId } : {},
      options,
    );
    return toVnfc(s as CloudServer);
  }

  async power(vnfInstanceId: string, resourceId: string, state: 'on' | 'off', options?: VimCallOptions): Promise<void> {
    await this.call(
      'POST',
      `/stacks/${encodeURIComponent(vnfInstanceId)}/servers/${encodeURIComponent(resourceId)}/power`,
      { state },
      options,
    );
  }

  async destroy(vnfInstanceId: string, options?: VimCallOptions): Promise<void> {
    await this.call('DELETE', `/stacks/${encodeURIComponent(vnfInstanceId)}`, undefined, options);
  }

  async leftovers(vnfInstanceId: string, options?: VimCallOptions): Promise<string[]> {
    const v = await this.call('GET', `/stacks/${encodeURIComponent(vnfInstanceId)}/leftovers`, undefined, options);
    return Array.isArray(v) ? v.map(String) : [];
  }
}

const STATUSES: readonly VnfcStatus[] = ['BUILD', 'ACTIVE', 'SHUTOFF', 'ERROR', 'DELETED', 'UNKNOWN'];

function toVnfc(s: CloudServer): VnfcResource {
  if (typeof s?.id !== 'string' || typeof s.vduId !== 'string')
    throw new EmulatedVimError('the emulated cloud answered a server without id or vduId');
  return {
    resourceId: s.id,
    vduId: s.vduId,
    name: s.name,
    status: STATUSES.includes(s.status) ? s.status : 'UNKNOWN',
    managementAddress: s.address,
    managementPort: s.port,
    controlSocketPort: s.controlPort,
    ports: (s.ports ?? []).map((p) => ({
      cpdId: p.cpdId,
      portId: p.portId,
      vnicType: p.vnicType as VnicType,
      macAddress: p.macAddress,
      ipAddresses: p.ipAddresses,
    })),
    ...(s.imageId !== undefined ? { imageId: s.imageId } : {}),
    metadata: { dialect: s.dialect, instanceId: s.instanceId, ...(s.fault !== undefined ? { fault: s.fault } : {}) },
  };
}
