/**
 * The OpenStack VIM: a thin class over Heat stacks, delegating images, stack waits, describe and the
 * leak check to its sibling modules.
 */
import type { ImageContent, SwImageSpec, Vim, VimCallOptions, VnfDeployment, VnfcResource } from '../../ports/vim';
import { OpenStackConflictError } from '../client/errors';
import { waitFor } from '../client/wait-for';
import type { OpenStackClient } from '../index';
import { describeVnfcs, serverResources } from './describe';
import { buildStack, defaultTemplatesDir } from './heat-template';
import { deployedImageIds, ensureImages, releaseImages } from './images';
import { findLeftovers } from './leftovers';
import { SharedResources } from './shared';
import { StackWaiter } from './stack-wait';
import { sig, stackName, VimOperationError, type OpenStackVimOptions, type Sig, type StackWait } from './vim-common';

/**
 * The OpenStack infrastructure driver: a Heat stack `vnf-<instanceId>` per VNF instance, built from
 * heat-templates/ (see heat-template.ts); images in Glance once per checksum, tagged per instance that
 * uses them; Nova for power actions; heal by marking the server unhealthy and updating the stack (its
 * ports, so its addresses, stay). Every method is idempotent: a retried step finds what the last
 * attempt made.
 */
export class OpenStackVim implements Vim {
  readonly kind = 'openstack';
  readonly vimType = 'ETSINFV.OPENSTACK_KEYSTONE.v_3';
  readonly computeResourceType = 'OS::Nova::Server';
  private mgmtNetworkId: string | undefined;
  private readonly stacks: StackWaiter;
  private readonly shared: SharedResources;

  /** Calls `listener` after every wait for Heat (the benchmark puts Heat's time next to ours). */
  observeStackWaits(listener: (e: StackWait) => void): void {
    this.stacks.observe(listener);
  }

  constructor(
    private readonly os: OpenStackClient,
    private readonly o: OpenStackVimOptions,
  ) {
    this.stacks = new StackWaiter(os, o);
    this.shared = new SharedResources(os);
  }

  // ---------------------------------------------------------------- images (images.ts)
  ensureImages(
    vnfInstanceId: string,
    images: SwImageSpec[],
    options?: VimCallOptions & { content?: ImageContent },
  ): Promise<Record<string, string>> {
    return ensureImages(this.os, vnfInstanceId, images, sig(options), options?.content);
  }

  // ---------------------------------------------------------------- stacks
  private async managementNetwork(s: Sig): Promise<string> {
    if (this.mgmtNetworkId !== undefined) return this.mgmtNetworkId;
    const net = await this.os.network.findNetwork(this.o.managementNetwork, s);
    if (net === undefined)
      throw new VimOperationError(
        `the management network '${this.o.managementNetwork}' does not exist (CLICKVNFM_OS_MGMT_NETWORK)`,
      );
    this.mgmtNetworkId = net.id;
    return net.id;
  }

  async apply(d: VnfDeployment, options?: VimCallOptions): Promise<VnfcResource[]> {
    const s = sig(options);
    const name = stackName(d.vnfInstanceId);
    let stack = await this.os.orchestration.find(name, s);
    if (stack !== undefined && stack.stack_status.endsWith('_IN_PROGRESS'))
      stack = await this.stacks.settle(name, stack.id, 'an earlier change', s);
    const exists = stack !== undefined && stack.stack_status !== 'DELETE_COMPLETE';
    // a stack made before flavors and the security group were shared holds its own (its `vnfm_cidr` parameter
    // says so): it keeps them, since moving its servers to another flavor would resize them
    const own = exists && stack?.parameters?.['vnfm_cidr'] !== undefined;
    const [imageIds, mgmt, shared] = await Promise.all([
      deployedImageIds(this.os, d, s),
      d.managementNetwork ?? this.managementNetwork(s),
      own
        ? undefined
        : Promise.all([this.shared.flavors(d.vdus, s), this.shared.securityGroup(d.vdus, this.o.vnfmCidr, s)]).then(
            ([flavorIds, securityGroup]) => ({ flavorIds, securityGroup }),
          ),
    ]);
    const t = buildStack(d, {
      templatesDir: this.o.templatesDir ?? defaultTemplatesDir(),
      managementNetwork: mgmt,
      vnfmCidr: this.o.vnfmCidr,
      imageIds,
      ...(shared !== undefined ? { shared } : {}),
      ...(this.o.defaultDataNetwork !== undefined ? { defaultDataNetwork: this.o.defaultDataNetwork } : {}),
    });
    const body = {
      template: t.template,
      files: t.files,
      parameters: t.parameters,
      timeout_mins: Math.ceil((this.o.stackTimeoutMs ?? 600_000) / 60_000),
      disable_rollback: true,
    };
    let action: string;
    if (!exists || stack === undefined) {
      action = 'CREATE';
      const created = await this.os.orchestration
        .create({ stack_name: name, ...body, tags: `clickvnfm,${d.vnfInstanceId}` }, s)
        .catch(async (err: unknown) => {
          // a create that reached Heat before a crash: the stack exists now
          if (err instanceof OpenStackConflictError)
            return { id: (await this.os.orchestration.find(name, s))?.id ?? '' };
          throw err;
        });
      stack = { id: created.id, stack_name: name, stack_status: 'CREATE_IN_PROGRESS' };
    } else {
      action = 'UPDATE';
      await this.os.orchestration.update(name, stack.id, body, s);
    }
    const done = await this.stacks.settle(name, stack.id, action.toLowerCase(), s, action);
    if (!done.stack_status.endsWith('_COMPLETE')) throw await this.stacks.failure(name, done, s);
    return this.describe(d.vnfInstanceId, options);
  }

  // ---------------------------------------------------------------- describe (describe.ts)
  describe(vnfInstanceId: string, options?: VimCallOptions): Promise<VnfcResource[]> {
    return describeVnfcs(this.os, vnfInstanceId, (s) => this.managementNetwork(s), sig(options));
  }

  // ---------------------------------------------------------------- heal, power
  async heal(
    vnfInstanceId: string,
    resourceId: string,
    options?: VimCallOptions & { imageId?: string },
  ): Promise<VnfcResource> {
    const s = sig(options);
    const name = stackName(vnfInstanceId);
    let stack = await this.os.orchestration.find(name, s);
    if (stack === undefined) throw new VimOperationError(`VNF instance ${vnfInstanceId} has no stack ${name}`);
    // a heal whose worker died while Heat replaced the server: that update ends first (then the old id is gone)
    if (stack.stack_status.endsWith('_IN_PROGRESS'))
      stack = await this.stacks.settle(name, stack.id, 'an earlier change', s);
    if (options?.imageId !== undefined) {
      // NOTE: Heat owns the image of every VNFC of a VDU (one scaling group, one image): a Nova rebuild of one
      // server would be undone by the next stack update, which rebuilds every server whose template image changed
      const srv = await this.os.compute.getServer(resourceId, s);
      const current = typeof srv.image === 'object' ? srv.image?.id : srv.image;
      if (current !== options.imageId)
        throw new VimOperationError(
          `server ${resourceId} runs image ${current ?? '?'}: on OpenStack a VNFC cannot be moved alone to image ` +
            `${options.imageId} (Heat gives every VNFC of a VDU the same image); a package change with a new ` +
            'image is not supported on OpenStack yet',
        );
    }
    const { servers } = await serverResources(this.os, name, stack, s);
    const r = servers.find((x) => x.physical_resource_id === resourceId);
    if (r === undefined) {
      // a heal retried after Heat replaced the server: the old id is gone, the new server stands in its place
      throw new VimOperationError(`server ${resourceId} is not part of stack ${name}`);
    }
    const nested = (r.links.find((l) => l.rel === 'stack')?.href ?? '').replace(/^.*\/stacks\//, '').split('/');
    const [nestedName, nestedId] = [nested[0] ?? name, nested[1] ?? stack.id];
    await this.os.orchestration.markUnhealthy(
      decodeURIComponent(nestedName),
      nestedId,
      r.resource_name,
      'healed by click-osv-vnfm',
      s,
    );
    await this.os.orchestration.patch(name, stack.id, {}, s);
    const done = await this.stacks.settle(name, stack.id, 'heal', s, 'UPDATE');
    if (!done.stack_status.endsWith('_COMPLETE')) throw await this.stacks.failure(name, done, s);
    const after = await this.describe(vnfInstanceId, options);
    const replaced =
      after.find((v) => v.metadata?.['heatStack'] === `${nestedName}/${nestedId}`) ??
      after.find((v) => v.resourceId !== resourceId && v.managementAddress !== undefined);
    if (replaced === undefined)
      throw new VimOperationError(`after healing, stack ${name} has no server in place of ${resourceId}`);
    return replaced;
  }

  async power(vnfInstanceId: string, resourceId: string, state: 'on' | 'off', options?: VimCallOptions): Promise<void> {
    const s = sig(options);
    const want = state === 'on' ? 'ACTIVE' : 'SHUTOFF';
    const cur = await this.os.compute.getServer(resourceId, s);
    if (cur.metadata['clickvnfm_vnf_instance_id'] !== vnfInstanceId)
      throw new VimOperationError(`server ${resourceId} does not belong to VNF instance ${vnfInstanceId}`);
    if (cur.status !== want) {
      try {
        await this.os.compute.action(resourceId, state === 'on' ? { start: true } : { stop: true }, s);
      } catch (err) {
        // 409: already in (or going to) that state
        if (!(err instanceof OpenStackConflictError)) throw err;
      }
    }
    await waitFor(
      async () => {
        const srv = await this.os.compute.getServer(resourceId, s);
        if (srv.status === 'ERROR')
          throw new VimOperationError(`server ${resourceId} went to ERROR: ${srv.fault?.message ?? 'no fault given'}`);
        return { done: srv.status === want && !srv['OS-EXT-STS:task_state'], state: srv.status };
      },
      { timeoutMs: 120_000, initialDelayMs: 100, maxDelayMs: 500, what: `server ${resourceId} to be ${want}`, ...s },
    );
  }

  // ---------------------------------------------------------------- destroy, leftovers (leftovers.ts)
  async destroy(vnfInstanceId: string, options?: VimCallOptions): Promise<void> {
    const s = sig(options);
    const name = stackName(vnfInstanceId);
    for (let attempt = 0; attempt < 3; attempt++) {
      let stack = await this.os.orchestration.find(name, s);
      if (stack === undefined || stack.stack_status === 'DELETE_COMPLETE') break;
      if (stack.stack_status.endsWith('_IN_PROGRESS') && !stack.stack_status.startsWith('DELETE'))
        stack = await this.stacks.settle(name, stack.id, 'an earlier change', s);
      await this.os.orchestration.delete(name, stack.id, s);
      const gone = await this.stacks.deleted(name, s);
      if (gone === undefined || gone.stack_status === 'DELETE_COMPLETE') break;
      if (attempt === 2) throw await this.stacks.failure(name, gone, s);
    }
    // images: drop this instance's tag; an image we uploaded that no instance uses any more goes
    await releaseImages(this.os, vnfInstanceId, s);
  }

  leftovers(vnfInstanceId: string, options?: VimCallOptions): Promise<string[]> {
    return findLeftovers(this.os, vnfInstanceId, sig(options));
  }
}
