/** Where the emulated cloud's VMs listen: own ports on 127.0.0.1, or own loopback addresses at 8000 and 8001. */
import { CloudError } from './cloud-model';
import { freePort } from '../net/free-port';

/** A VM's address, its API port and its ControlSocket port. */
export interface VmAddress {
  address: string;
  port: number;
  controlPort: number;
}

/**
 * The emulated cloud's own loopback range: not the mini-cloud's management subnet (127.20.0.0/16, test/minicloud), so
 * that a bench's emulated VMs never take the address of a mini-cloud VM on the same machine.
 */
export const DEFAULT_LOOPBACK_PREFIX = '127.24';

/** Hands out VM addresses and ports that no other server of the cloud holds, and takes them back. */
export class CloudAddressPool {
  private readonly usedPorts = new Set<number>();
  private readonly usedAddresses = new Set<string>();

  constructor(private readonly options: { addressing?: 'ports' | 'loopback'; loopbackPrefix?: string }) {}

  async allocate(): Promise<VmAddress> {
    if (this.options.addressing === 'loopback') {
      const prefix = this.options.loopbackPrefix ?? DEFAULT_LOOPBACK_PREFIX;
      for (let n = 2; n < 65_534; n++) {
        const address = `${prefix}.${n >> 8}.${n & 255}`;
        if ((n & 255) === 0 || (n & 255) === 255 || this.usedAddresses.has(address)) continue;
        this.usedAddresses.add(address);
        return { address, port: 8000, controlPort: 8001 };
      }
      throw new CloudError(507, `no free address left in ${prefix}.0.0/16`);
    }
    const port = async (): Promise<number> => {
      for (;;) {
        const p = await freePort();
        if (!this.usedPorts.has(p)) return (this.usedPorts.add(p), p);
      }
    };
    return { address: '127.0.0.1', port: await port(), controlPort: await port() };
  }

  release(s: VmAddress): void {
    this.usedAddresses.delete(s.address);
    this.usedPorts.delete(s.port);
    this.usedPorts.delete(s.controlPort);
  }
}
