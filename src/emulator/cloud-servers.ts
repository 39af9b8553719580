/** The emulated cloud's server records: a new server's ports, the view callers get, a heal's VDU, its VM. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClickChecker } from './click-facade';
import type { CloudServer, CloudVdu } from './cloud-model';
import type { VmAddress } from './cloud-addresses';
import { EmulatedVm } from './emulated-vm';

export interface ServerRecord extends CloudServer {
  index: number;
  vm: EmulatedVm | undefined;
  /** The VM's disk: it survives a power cycle, not a heal (a new server boots from the image). */
  files: Map<string, string>;
}

/** What callers see of a server: a copy without the VM, the disk and the index. */
export function serverView(s: ServerRecord): CloudServer {
  const { vm: _vm, files: _files, index: _index, ...out } = s;
  return structuredClone(out);
}

/** A new server (no VM yet) for replica `index` of `vdu` at `where`; in ERROR when `failed`. */
export function newServerRecord(
  instanceId: string,
  vdu: CloudVdu,
  index: number,
  where: VmAddress,
  failed: boolean,
): ServerRecord {
  const id = randomUUID();
  const cps =
    vdu.cps && vdu.cps.length > 0
      ? [...vdu.cps].sort((a, b) => a.order - b.order)
      : [{ cpdId: 'mgmt', order: 0, vnicType: 'normal', management: true }];
  return {
    id,
    index,
    name: `vnf-${instanceId}-${vdu.vduId}-${index}`,
    vduId: vdu.vduId,
    instanceId,
    status: failed ? 'ERROR' : 'ACTIVE',
    ...where,
    dialect: vdu.dialect,
    ports: cps.map((c, i) => ({
      cpdId: c.cpdId,
      portId: `${id}-${c.cpdId}`,
      vnicType: c.vnicType,
      macAddress: `fa:16:3e:${randomBytes(3).toString('hex').match(/../g)?.join(':') ?? '00:00:00'}`,
      // the management CP carries the VM's API address; data CPs get a stand-in data-plane address
      ipAddresses: [
        c.management || (i === 0 && !cps.some((x) => x.management))
          ? where.address
          : `10.${100 + i}.${index >> 8}.${(index & 255) + 10}`,
      ],
    })),
    ...(vdu.imageId !== undefined ? { imageId: vdu.imageId } : {}),
    ...(vdu.availabilityZone !== undefined ? { availabilityZone: vdu.availabilityZone } : {}),
    ...(failed ? { fault: `No valid host was found for ${vdu.vduId} (injected fault)` } : {}),
    vm: undefined,
    files: new Map(),
  };
}

/** The one-replica VDU a heal boots in place of `old`: same VDU, dialect, connection points, image and zone. */
export function vduOfServer(old: ServerRecord): CloudVdu {
  return {
    vduId: old.vduId,
    count: 1,
    dialect: old.dialect,
    cps: old.ports.map((p, order) => ({
      cpdId: p.cpdId,
      order,
      vnicType: p.vnicType,
      management: p.ipAddresses[0] === old.address,
    })),
    ...(old.imageId !== undefined ? { imageId: old.imageId } : {}),
    ...(old.availabilityZone !== undefined ? { availabilityZone: old.availabilityZone } : {}),
  };
}

/** The Click check of a VM under the injected fault click-rejects-config: every config fails. */
export const rejectingChecker: ClickChecker = (_text, file) => ({
  ok: false,
  messages: [`${file}:1: router initialization failed (injected fault click-rejects-config)`],
});

/** Starts the VM of server `s` on its disk; it boots in the background. */
export function bootServerVm(
  s: ServerRecord,
  vm: { readyDelayMs: number; neverReady: boolean; check: ClickChecker | undefined },
): EmulatedVm {
  const { check } = vm;
  const started = new EmulatedVm({
    dialect: s.dialect,
    host: s.address,
    port: s.port,
    controlPort: s.controlPort,
    // the image's ControlSocket port inside the VM, reached at the server's own controlPort
    vmControlPort: 8001,
    readyDelayMs: vm.readyDelayMs,
    neverReady: vm.neverReady,
    files: s.files,
    ...(check !== undefined ? { check } : {}),
  });
  void started.bootInBackground();
  return started;
}
