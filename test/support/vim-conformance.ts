/**
 * The Vim conformance suite: the tests every adapter of the `Vim` port (src/ports/vim.ts) must pass, run
 * against each of them the way BullMQ runs one suite against each backend:
 * test/agent/vim-conformance.test.ts (EmulatedVim on an in-process EmulatedCloud) and
 * test/deployment/vim-conformance.test.ts (OpenStackVim on the mini-cloud).
 *
 * The suite owns the deployment, so every adapter gets the same one: two VDUs, `vdu_a` (a management and
 * an SR-IOV data connection point) and `vdu_b` (the management one only), a small flavor, a tiny qcow2
 * image of its own (a checksum no other run has), the image ids from ensureImages in `vimImageId` as the
 * LCM's plan puts them. After a first test on an instance the VIM never saw, the steps share one
 * instance and run in order (a real VIM takes tens of seconds per stack change): ensureImages, a second
 * instance sharing the image, apply, apply again, scale out, scale in, power, refusals, aborted calls,
 * heal, leftovers, destroy; after a failed step the next ones fail at once, naming it. afterAll destroys
 * every instance id the suite used.
 *
 * Where adapters legitimately differ, `VimCapabilities` says how, and the test asserts that adapter's side.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CpSpec, FlavorSpec, SwImageSpec, Vim, VnfcResource, VnfDeployment, VduSpec } from '../../src/ports/vim';
import { tinyQcow2 } from './packages';

export interface VimCapabilities {
  /**
   * describe lists a VNFC's ports in connection-point order (otherwise in any order: Neutron lists a server's ports in
   * its own).
   */
  portsInCpOrder: boolean;
  /** heal keeps the VNFC's ports themselves (port ids, MAC addresses); every VIM must keep their IP addresses. */
  healKeepsPorts: boolean;
}

/** What a conformance run needs from an adapter's setup. */
export interface VimUnderTest {
  vim: Vim;
  capabilities: VimCapabilities;
  /**
   * The external network the data connection point attaches to (as extVirtualLinks name it); none: the VIM's own
   * choice.
   */
  dataNetwork?: string;
  /** The flavor of every VDU (default: 1 vCPU, 256 MB, 1 GB disk, shared CPUs). */
  flavor?: FlavorSpec;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Per test, beforeAll and afterAll (jest's default when absent); a real cloud needs minutes. */
  timeoutMs?: number;
}

type Counts = { vdu_a: number; vdu_b: number };

const CPS: Record<keyof Counts, CpSpec[]> = {
  vdu_a: [
    { cpdId: 'a_mgmt', order: 0, vnicType: 'normal', portSecurity: true, management: true },
    { cpdId: 'a_data', order: 1, vnicType: 'direct', portSecurity: false, management: false },
  ],
  vdu_b: [{ cpdId: 'b_mgmt', order: 0, vnicType: 'normal', portSecurity: true, management: true }],
};

const sorted = <T>(xs: T[]): T[] => [...xs].sort();
const idsOf = (vs: VnfcResource[]): string[] => sorted(vs.map((v) => v.resourceId));
const ofVdu = (vs: VnfcResource[], vduId: string): VnfcResource[] => vs.filter((v) => v.vduId === vduId);
const addressesByCp = (v: VnfcResource): Record<string, string[]> =>
  Object.fromEntries(v.ports.map((p) => [p.cpdId, sorted(p.ipAddresses)]));

/**
 * Declares the conformance suite for one adapter. `setup` runs in beforeAll (connect, start an emulated
 * cloud, ...); `close` in afterAll, after every instance the suite used is destroyed.
 */
export function describeVimConformance(
  name: string,
  setup: () => Promise<VimUnderTest>,
  options: ConformanceOptions = {},
): void {
  const timeout = options.timeoutMs;
  const bytes = tinyQcow2(1 << 30, `vim-conformance-${randomUUID()}`);
  const image: SwImageSpec = {
    name: 'click-on-osv-conformance',
    version: '1.0',
    checksum: { algorithm: 'sha-256', hash: createHash('sha256').update(bytes).digest('hex') },
    containerFormat: 'bare',
    diskFormat: 'qcow2',
    minDiskGb: 1,
    minRamMb: 128,
    sizeBytes: bytes.length,
    properties: { clickosv_dialect: 'click-plugin' },
  };
  const content = async (): Promise<Buffer> => bytes;

  let sut: VimUnderTest | undefined;
  const used = new Set<string>();
  /** A fresh instance id (a UUID, as the LCM's: no id is a prefix of another), destroyed in afterAll. */
  const newInstanceId = (): string => {
    const id = randomUUID();
    used.add(id);
    return id;
  };
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`an earlier test failed: ${what}`);
    return value;
  };
  const vimOf = (): Vim => need(sut, 'the setup of the VIM under test').vim;
  const caps = (): VimCapabilities => need(sut, 'the setup of the VIM under test').capabilities;

  const deployment = (vnfInstanceId: string, counts: Counts, imageId: string | undefined): VnfDeployment => {
    const flavor = sut?.flavor ?? { vcpus: 1, memoryMb: 256, diskGb: 1 };
    const vdu = (vduId: keyof Counts): VduSpec => ({
      vduId,
      name: vduId,
      count: counts[vduId],
      flavor,
      image: { ...image, ...(imageId !== undefined ? { vimImageId: imageId } : {}) },
      cps: CPS[vduId].map((c) => ({
        ...c,
        ...(!c.management && sut?.dataNetwork !== undefined ? { networkId: sut.dataNetwork } : {}),
      })),
      dialect: 'click-plugin',
      managementPort: 8000,
    });
    return { vnfInstanceId, flavourId: 'simple', vdus: [vdu('vdu_a'), vdu('vdu_b')], virtualLinks: [] };
  };
  const vduOf = (d: VnfDeployment, vduId: string): VduSpec =>
    need(
      d.vdus.find((v) => v.vduId === vduId),
      `VDU ${vduId} in the deployment`,
    );
  /** Where the VNFM reaches the VNFC's agent: its management address and port. */
  const endpoint = (d: VnfDeployment, v: VnfcResource): string =>
    `${v.managementAddress ?? '?'}:${v.managementPort ?? vduOf(d, v.vduId).managementPort}`;
  /** What must not change while the VIM leaves a VNFC alone. */
  const identity = (d: VnfDeployment, v: VnfcResource): unknown => ({
    resourceId: v.resourceId,
    name: v.name,
    vduId: v.vduId,
    endpoint: endpoint(d, v),
    portIds: sorted(v.ports.map((p) => p.portId)),
  });
  const identities = (d: VnfDeployment, vs: VnfcResource[]): unknown[] =>
    [...vs].sort((a, b) => a.resourceId.localeCompare(b.resourceId)).map((v) => identity(d, v));

  /**
   * The VNFCs are the deployment's: `count` per VDU, ACTIVE, on the image, each reachable at its own endpoint, a port
   * per connection point.
   */
  const expectDeployed = (d: VnfDeployment, vnfcs: VnfcResource[], imageId: string): void => {
    expect(Object.fromEntries(d.vdus.map((v) => [v.vduId, ofVdu(vnfcs, v.vduId).length]))).toEqual(
      Object.fromEntries(d.vdus.map((v) => [v.vduId, v.count])),
    );
    expect(vnfcs).toHaveLength(d.vdus.reduce((n, v) => n + v.count, 0));
    const shape = (v: VnfcResource): unknown => {
      const cps = [...vduOf(d, v.vduId).cps].sort((a, b) => a.order - b.order);
      const ports = v.ports.map((p) => `${p.cpdId} ${p.vnicType}`);
      const mgmt = v.ports.find((p) => p.cpdId === cps.find((c) => c.management)?.cpdId);
      return {
        name: v.name,
        status: v.status,
        imageId: v.imageId,
        hasManagementAddress: typeof v.managementAddress === 'string' && v.managementAddress !== '',
        managementAddressOnTheManagementPort:
          v.managementAddress !== undefined && (mgmt?.ipAddresses ?? []).includes(v.managementAddress),
        ports: caps().portsInCpOrder ? ports : sorted(ports),
      };
    };
    const want = (v: VnfcResource): unknown => {
      const cps = [...vduOf(d, v.vduId).cps].sort((a, b) => a.order - b.order);
      const ports = cps.map((c) => `${c.cpdId} ${c.vnicType}`);
      return {
        name: v.name,
        status: 'ACTIVE',
        imageId,
        hasManagementAddress: true,
        managementAddressOnTheManagementPort: true,
        ports: caps().portsInCpOrder ? ports : sorted(ports),
      };
    };
    expect(vnfcs.map(shape)).toEqual(vnfcs.map(want));
    const unique = (label: string, xs: string[]): void =>
      expect({ [label]: new Set(xs).size }).toEqual({ [label]: xs.length });
    unique(
      'resourceIds',
      vnfcs.map((v) => v.resourceId),
    );
    unique(
      'names',
      vnfcs.map((v) => v.name),
    );
    unique(
      'management endpoints',
      vnfcs.map((v) => endpoint(d, v)),
    );
    unique(
      'portIds',
      vnfcs.flatMap((v) => v.ports.map((p) => p.portId)),
    );
  };

  describe(`Vim conformance: ${name}`, () => {
    beforeAll(async () => {
      sut = await setup();
    }, timeout);
    afterAll(async () => {
      if (sut === undefined) return;
      for (const id of used) {
        await sut.vim
          .destroy(id)
          .catch((err: unknown) =>
            process.stderr.write(
              `vim conformance (${name}): destroy ${id} failed: ${err instanceof Error ? err.message : String(err)}\n`,
            ),
          );
      }
      await sut.close();
    }, timeout);

    const main = {
      id: '',
      images: undefined as Record<string, string> | undefined,
      d: undefined as VnfDeployment | undefined,
      vnfcs: undefined as VnfcResource[] | undefined,
    };
    /** A step of the main instance's lifecycle: after a failed one, the next ones fail at once, naming it. */
    let failedStep: string | undefined;
    const step = (title: string, fn: () => Promise<void>): void =>
      it(
        title,
        async () => {
          if (failedStep !== undefined) throw new Error(`an earlier step failed: ${failedStep}`);
          try {
            await fn();
          } catch (err) {
            failedStep = title;
            throw err;
          }
        },
        timeout,
      );
    const imageId = (): string => need(main.images?.[image.name], 'ensureImages gave no image id');
    /** The main instance's deployment and VNFCs after the last step that passed. */
    const current = (): { d: VnfDeployment; vnfcs: VnfcResource[] } => ({
      d: need(main.d, 'the main instance was not applied'),
      vnfcs: need(main.vnfcs, 'the main instance was not applied'),
    });

    it(
      'an instance the VIM never saw: describe and leftovers are empty, destroy succeeds',
      async () => {
        const vim = vimOf();
        const id = newInstanceId();
        expect(await vim.describe(id)).toEqual([]);
        expect(await vim.leftovers(id)).toEqual([]);
        await vim.destroy(id);
        await vim.destroy(id);
        expect(await vim.describe(id)).toEqual([]);
      },
      timeout,
    );

    step(
      'ensureImages gives a VIM image id per image name, the same ids when called again;' +
        ' a named VIM image is used as is',
      async () => {
        const vim = vimOf();
        main.id = newInstanceId();
        const first = await vim.ensureImages(main.id, [image], { content });
        expect(Object.keys(first)).toEqual([image.name]);
        expect(first[image.name]).toEqual(expect.stringMatching(/\S/));
        expect(await vim.ensureImages(main.id, [image], { content })).toEqual(first);
        const named = { ...image, name: 'named-in-the-request', vimImageId: first[image.name] as string };
        expect(await vim.ensureImages(main.id, [named])).toEqual({ 'named-in-the-request': first[image.name] });
        main.images = first;
      },
    );

    step(
      'an image is kept once per checksum: another instance gets the same id,' +
        ' and destroying that instance keeps the image this one uses',
      async () => {
        const vim = vimOf();
        const other = newInstanceId();
        expect(await vim.ensureImages(other, [image], { content })).toEqual({ [image.name]: imageId() });
        expect(await vim.leftovers(other)).not.toEqual([]); // the instance's use of the image is tagged
        await vim.destroy(other);
        expect(await vim.leftovers(other)).toEqual([]);
        // no content this time: a VIM that had dropped the image could not upload it again
        expect(await vim.ensureImages(main.id, [image])).toEqual({ [image.name]: imageId() });
      },
    );

    step(
      'apply creates count VNFCs per VDU, ACTIVE on the image,' +
        ' each with its management address and a port per connection point',
      async () => {
        const vim = vimOf();
        const d = deployment(main.id, { vdu_a: 2, vdu_b: 1 }, imageId());
        const vnfcs = await vim.apply(d);
        expectDeployed(d, vnfcs, imageId());
        expect(identities(d, await vim.describe(main.id))).toEqual(identities(d, vnfcs));
        main.d = d;
        main.vnfcs = vnfcs;
      },
    );

    step('apply again with the same deployment changes nothing', async () => {
      const vim = vimOf();
      const { d, vnfcs } = current();
      const again = await vim.apply(d);
      expect(identities(d, again)).toEqual(identities(d, vnfcs));
      expectDeployed(d, again, imageId());
      expect(identities(d, await vim.describe(main.id))).toEqual(identities(d, vnfcs));
      main.vnfcs = again;
    });

    step('apply with a higher count adds VNFCs and keeps the existing ones as they are', async () => {
      const vim = vimOf();
      const { vnfcs: before } = current();
      const d = deployment(main.id, { vdu_a: 3, vdu_b: 1 }, imageId());
      const after = await vim.apply(d);
      expectDeployed(d, after, imageId());
      expect(
        identities(
          d,
          after.filter((v) => before.some((b) => b.resourceId === v.resourceId)),
        ),
      ).toEqual(identities(d, before));
      expect(identities(d, await vim.describe(main.id))).toEqual(identities(d, after));
      main.d = d;
      main.vnfcs = after;
    });

    step(
      'apply with a lower count removes VNFCs (nothing of them is left) and keeps the others as they are',
      async () => {
        const vim = vimOf();
        const { vnfcs: before } = current();
        const d = deployment(main.id, { vdu_a: 1, vdu_b: 1 }, imageId());
        const after = await vim.apply(d);
        expectDeployed(d, after, imageId());
        // which ones go is the VIM's choice (the emulated cloud removes the newest, Heat's scaling group the oldest)
        expect(idsOf(before)).toEqual(expect.arrayContaining(idsOf(after)));
        expect(
          identities(
            d,
            before.filter((b) => after.some((v) => v.resourceId === b.resourceId)),
          ),
        ).toEqual(identities(d, after));
        expect(identities(d, await vim.describe(main.id))).toEqual(identities(d, after));
        const removed = before.filter((b) => !after.some((v) => v.resourceId === b.resourceId)).map((v) => v.name);
        expect(removed).toHaveLength(2);
        expect((await vim.leftovers(main.id)).filter((l) => removed.some((n) => l.includes(n)))).toEqual([]);
        main.d = d;
        main.vnfcs = after;
      },
    );

    step(
      'power off and on: the VNFC is SHUTOFF then ACTIVE, the same resource;' +
        ' asking twice is fine; the others stay ACTIVE',
      async () => {
        const vim = vimOf();
        const { d, vnfcs } = current();
        const target = need(ofVdu(vnfcs, 'vdu_b')[0], 'no VNFC of vdu_b');
        const statuses = async (): Promise<Record<string, string>> =>
          Object.fromEntries((await vim.describe(main.id)).map((v) => [v.resourceId, v.status]));
        const all = (status: string): Record<string, string> =>
          Object.fromEntries(vnfcs.map((v) => [v.resourceId, status]));
        await vim.power(main.id, target.resourceId, 'off');
        await vim.power(main.id, target.resourceId, 'off');
        expect(await statuses()).toEqual({ ...all('ACTIVE'), [target.resourceId]: 'SHUTOFF' });
        await vim.power(main.id, target.resourceId, 'on');
        await vim.power(main.id, target.resourceId, 'on');
        expect(await statuses()).toEqual(all('ACTIVE'));
        expect(identities(d, await vim.describe(main.id))).toEqual(identities(d, vnfcs));
      },
    );

    step(
      "power and heal refuse a resource that is not the instance's (resources are tagged by instance id)",
      async () => {
        const vim = vimOf();
        const { d, vnfcs } = current();
        const target = need(vnfcs[0], 'no VNFC');
        const stranger = newInstanceId();
        await expect(vim.power(stranger, target.resourceId, 'off')).rejects.toThrow();
        await expect(vim.heal(stranger, target.resourceId)).rejects.toThrow();
        await expect(vim.power(main.id, randomUUID(), 'off')).rejects.toThrow();
        await expect(vim.heal(main.id, randomUUID())).rejects.toThrow();
        const now = await vim.describe(main.id);
        expect(identities(d, now)).toEqual(identities(d, vnfcs));
        expect(now.map((v) => v.status)).toEqual(vnfcs.map(() => 'ACTIVE'));
      },
    );

    step('a call with an aborted signal rejects and changes nothing', async () => {
      const vim = vimOf();
      const { d, vnfcs } = current();
      const signal = AbortSignal.abort(new Error('aborted by the conformance suite'));
      const fresh = newInstanceId();
      await expect(vim.ensureImages(fresh, [image], { content, signal })).rejects.toThrow();
      await expect(vim.apply(deployment(fresh, { vdu_a: 1, vdu_b: 1 }, imageId()), { signal })).rejects.toThrow();
      await expect(vim.describe(main.id, { signal })).rejects.toThrow();
      await expect(vim.leftovers(main.id, { signal })).rejects.toThrow();
      await expect(vim.power(main.id, need(vnfcs[0], 'no VNFC').resourceId, 'off', { signal })).rejects.toThrow();
      await expect(vim.heal(main.id, need(vnfcs[0], 'no VNFC').resourceId, { signal })).rejects.toThrow();
      await expect(vim.destroy(main.id, { signal })).rejects.toThrow();
      expect(await vim.describe(fresh)).toEqual([]);
      expect(await vim.leftovers(fresh)).toEqual([]);
      const now = await vim.describe(main.id);
      expect(identities(d, now)).toEqual(identities(d, vnfcs));
      expect(now.map((v) => v.status)).toEqual(vnfcs.map(() => 'ACTIVE'));
    });

    step(
      'heal replaces the VNFC: a new resourceId, the same VDU and addresses; describe shows it in place of the old one',
      async () => {
        const vim = vimOf();
        const { d, vnfcs } = current();
        const old = need(ofVdu(vnfcs, 'vdu_a')[0], 'no VNFC of vdu_a');
        const healed = await vim.heal(main.id, old.resourceId);
        expect(healed.resourceId).not.toBe(old.resourceId);
        expect({
          vduId: healed.vduId,
          status: healed.status,
          imageId: healed.imageId,
          endpoint: endpoint(d, healed),
          addresses: addressesByCp(healed),
        }).toEqual({
          vduId: old.vduId,
          status: 'ACTIVE',
          imageId: imageId(),
          endpoint: endpoint(d, old),
          addresses: addressesByCp(old),
        });
        if (caps().healKeepsPorts) {
          const ports = (v: VnfcResource): unknown =>
            sorted(v.ports.map((p) => `${p.cpdId} ${p.portId} ${p.macAddress ?? ''}`));
          expect(ports(healed)).toEqual(ports(old));
        }
        const after = await vim.describe(main.id);
        const others = vnfcs.filter((v) => v.resourceId !== old.resourceId);
        expect(idsOf(after)).toEqual(idsOf([...others, healed]));
        expect(
          identities(
            d,
            after.filter((v) => v.resourceId !== healed.resourceId),
          ),
        ).toEqual(identities(d, others));
        expect(
          identity(
            d,
            need(
              after.find((v) => v.resourceId === healed.resourceId),
              'the healed VNFC in describe',
            ),
          ),
        ).toEqual(identity(d, healed));
        expectDeployed(d, after, imageId());
        main.vnfcs = after;
      },
    );

    step('leftovers names what the instance holds while it exists (every VNFC)', async () => {
      const vim = vimOf();
      const { vnfcs } = current();
      const left = await vim.leftovers(main.id);
      expect(vnfcs.filter((v) => !left.some((l) => l.includes(v.name))).map((v) => v.name)).toEqual([]);
    });

    step(
      'destroy removes everything of the instance: describe and leftovers are empty; destroy again is fine',
      async () => {
        const vim = vimOf();
        current();
        await vim.destroy(main.id);
        expect(await vim.describe(main.id)).toEqual([]);
        expect(await vim.leftovers(main.id)).toEqual([]);
        await vim.destroy(main.id);
        expect(await vim.describe(main.id)).toEqual([]);
        expect(await vim.leftovers(main.id)).toEqual([]);
        main.vnfcs = undefined;
      },
    );
  });
}
