import { AppError } from '../errors';
import type { SwImageSpec, Vim, VimCallOptions, VnfcResource, VnfDeployment } from '../ports/vim';
import type { CloudServer } from './emulated-cloud';

/** The emulated cloud refused or failed a request; the message says what and why. */
export class EmulatedVimError extends AppError {
  readonly status = 502;
  readonly title = 'Bad Gateway';
}

/**
 * The `Vim` port on the emulated cloud (`clickvnfm emulate-cloud`, or the one `npm start` runs),
 * over HTTP. Every call is idempotent: apply is create-or-update by instance id.
 */
export class EmulatedVim implements Vim {
  readonly kind = 'emulated';

  constructor(private readonly cloudUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown, options?: VimCallOptions): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.cloudUrl}${path}`, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
        signal: options?.signal ?? AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new EmulatedVimError(`the emulated cloud at ${this.cloudUrl} is unreachable (${method} ${path})`, { cause: err });
    }
    const text = await res.text();
    if (res.status >= 400) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // keep the text
      }
      throw new EmulatedVimError(`${method} ${path}: the emulated cloud answered ${res.status}: ${message}`);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async ensureImages(vnfInstanceId: string, images: SwImageSpec[], options?: VimCallOptions): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const img of images) {
      if (img.vimImageId !== undefined) {
        out[img.name] = img.vimImageId;
        continue;
      }
      const r = await this.call<{ id: string }>('POST', '/images', { name: img.name, checksum: img.checksum.hash, instanceId: vnfInstanceId }, options);
      out[img.name] = r.id;
    }
    return out;
  }

  async apply(d: VnfDeployment, options?: VimCallOptions): Promise<VnfcResource[]> {
    const vdus = d.vdus.map((v) => ({ vduId: v.vduId, name: v.name, count: v.count, dialect: v.dialect, ...(v.image.vimImageId ? { imageId: v.image.vimImageId } : {}) }));
    const servers = await this.call<CloudServer[]>('PUT', `/stacks/${d.vnfInstanceId}`, { vdus }, options);
    const failed = servers.filter((s) => s.status === 'ERROR');
    if (failed.length > 0) {
      throw new EmulatedVimError(`creating the servers of VNF instance ${d.vnfInstanceId} failed: ${failed.map((s) => `${s.name}: ${s.fault ?? 'ERROR'}`).join('; ')}`);
    }
    return servers.map(toVnfc);
  }

  async describe(vnfInstanceId: string, options?: VimCallOptions): Promise<VnfcResource[]> {
    return (await this.call<CloudServer[]>('GET', `/stacks/${vnfInstanceId}`, undefined, options)).map(toVnfc);
  }

  async heal(vnfInstanceId: string, resourceId: string, options?: VimCallOptions): Promise<VnfcResource> {
    return toVnfc(await this.call<CloudServer>('POST', `/stacks/${vnfInstanceId}/servers/${resourceId}/replace`, {}, options));
  }

  async power(vnfInstanceId: string, resourceId: string, state: 'on' | 'off', options?: VimCallOptions): Promise<void> {
    await this.call('POST', `/stacks/${vnfInstanceId}/servers/${resourceId}/power`, { state }, options);
  }

  async destroy(vnfInstanceId: string, options?: VimCallOptions): Promise<void> {
    await this.call('DELETE', `/stacks/${vnfInstanceId}`, undefined, options);
  }

  async leftovers(vnfInstanceId: string, options?: VimCallOptions): Promise<string[]> {
    return this.call<string[]>('GET', `/stacks/${vnfInstanceId}/leftovers`, undefined, options);
  }
}

function toVnfc(s: CloudServer): VnfcResource {
  return {
    resourceId: s.id,
    vduId: s.vduId,
    name: s.name,
    status: s.status,
    managementAddress: s.address,
    managementPort: s.port,
    controlSocketPort: s.controlPort,
    ports: [{ cpdId: 'mgmt', portId: `${s.id}-mgmt`, vnicType: 'normal', ipAddresses: [s.address] }],
    ...(s.imageId !== undefined ? { imageId: s.imageId } : {}),
    metadata: { dialect: s.dialect },
  };
}
