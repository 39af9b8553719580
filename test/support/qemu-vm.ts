/**
 * A real Click-on-OSv VM under QEMU (TCG: no KVM needed) for `npm run test:realvm`: booted from a copy-on-write
 * overlay of the image (the image is never written), user networking with OSv's API (8000) and Click's ControlSocket
 * (8001) forwarded to free ports on 127.0.0.1, the serial console kept for the failure message.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AgentEndpoint } from '../../src/ports/vnf-agent';
import { freePort } from '../../src/net/free-port';

export interface QemuVm {
  /** The agent's endpoint: forwarded ports outside, Click's 8001 inside. */
  endpoint: AgentEndpoint;
  /** Guest UDP port -> the 127.0.0.1 port QEMU forwards to it (QemuOptions.udp). */
  udp: Map<number, number>;
  /** What OSv wrote on its serial console so far. */
  console(): string;
  /** Powers the VM off (SIGTERM to QEMU) and removes the overlay. */
  close(): Promise<void>;
}

export interface QemuOptions {
  memoryMb?: number;
  /** Guest UDP ports to forward from free ports on 127.0.0.1 too (the data plane: bench/dataplane.ts). */
  udp?: number[];
}

export async function bootQemuVm(image: string, options: QemuOptions = {}): Promise<QemuVm> {
  const memoryMb = options.memoryMb ?? 512;
  const dir = mkdtempSync(join(tmpdir(), 'clickvnfm-realvm-'));
  const overlay = join(dir, 'overlay.qcow2');
  const made = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', resolve(image), overlay]);
  if (made.status !== 0) throw new Error(`qemu-img create failed: ${String(made.stderr)}`);
  const [api, control] = [await freePort(), await freePort()];
  const udp = new Map<number, number>();
  for (const guest of options.udp ?? []) udp.set(guest, await freePort());
  const udpForwards = [...udp].map(([guest, host]) => `,hostfwd=udp:127.0.0.1:${host}-:${guest}`).join('');
  const forwards = `hostfwd=tcp:127.0.0.1:${api}-:8000,hostfwd=tcp:127.0.0.1:${control}-:8001${udpForwards}`;
  const qemu: ChildProcess = spawn(
    'qemu-system-x86_64',
    [
      ...['-m', String(memoryMb), '-smp', '2', '-nographic', '-no-reboot'],
      ...['-drive', `file=${overlay},if=virtio`],
      ...['-netdev', `user,id=n0,${forwards}`],
      ...['-device', 'virtio-net-pci,netdev=n0', '-device', 'virtio-rng-pci'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  qemu.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  qemu.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => qemu.once('exit', () => r()));
  return {
    endpoint: {
      address: '127.0.0.1',
      port: api,
      dialect: 'osv-controlsocket',
      controlSocketPort: control,
      vmControlSocketPort: 8001,
    },
    udp,
    console: () => out,
    close: async () => {
      qemu.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      qemu.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
