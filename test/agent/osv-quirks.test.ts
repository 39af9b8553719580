/**
 * What a real Click-on-OSv VM does that the osv-controlsocket agent must cope with (found driving the real image,
 * issue #17), held by the emulator: a ControlSocket reached through a port forward, OSv's single address space
 * (a second Click needs `new_program=true`), Click that exits a while after `WRITE stop`, and a Click started
 * without `-R` (no `hotconfig` handler: 511).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedVm, EmulatedVmOptions } from '../../src/emulator';
import { HttpVnfAgentFactory } from '../../src/agent';
import type { AgentEndpoint } from '../../src/ports/vnf-agent';
import { bootForwardedOsvVm } from '../support/osv-vm';

const FORWARDER = readFileSync(join(__dirname, '../../vnfd/forwarder/Files/click/forwarder.click'), 'utf8');
const factory = new HttpVnfAgentFactory({ timeoutMs: 1500 });
const fast = { graceMs: 0, intervalMs: 50, deadlineMs: 5000 };

let vm: EmulatedVm;
afterEach(async () => vm?.powerOff());

/** A VM whose ControlSocket (8001 inside) is reached at another port, as behind QEMU's hostfwd or a NAT. */
async function forwardedVm(extra: Partial<EmulatedVmOptions> = {}): Promise<AgentEndpoint> {
  const booted = await bootForwardedOsvVm(extra);
  vm = booted.vm;
  return booted.endpoint;
}

async function put(command: string, query = ''): Promise<number> {
  const url = `http://127.0.0.1:${vm.address!.port}/app/?command=${encodeURIComponent(command)}${query}`;
  return (await fetch(url, { method: 'PUT' })).status;
}

it("Click's -p is the port inside the VM, not the one the VNFM reaches (port forwarding)", async () => {
  const endpoint = await forwardedVm();
  const agent = factory.forEndpoint(endpoint);
  await agent.waitReady(fast);
  await agent.deploy(FORWARDER);
  expect((await agent.status()).running).toBe(true);
  expect(vm.controlPort).toBe(endpoint.controlSocketPort);
  // an agent that takes the reached port for Click's own starts a Click that no one outside can reach
  await agent.stop();
  const { vmControlSocketPort: _, ...naive } = endpoint;
  const wrong = factory.forEndpoint(naive);
  await expect(wrong.start()).rejects.toThrow(/did not report running/);
});

it('a second Click of one boot starts only as a new program (else: bind: Address in use)', async () => {
  const endpoint = await forwardedVm();
  const agent = factory.forEndpoint(endpoint);
  await agent.waitReady(fast);
  await agent.deploy(FORWARDER);
  await agent.stop();
  // as a client that omits new_program would: OSv starts it, Click fails on the port the first one bound
  expect(await put('/click -R -p 8001 /func.click')).toBe(200);
  await new Promise((r) => setTimeout(r, 50));
  expect(vm.click!.running).toBe(false);
  expect(await agent.log()).toMatch(/bind: Address in use/);
  // the agent's start passes new_program=true
  await agent.start();
  expect((await agent.status()).running).toBe(true);
  await agent.deploy(FORWARDER.replace('c_in0 :: Counter', 'c_in0 :: Counter /* again */'));
  expect((await agent.status()).running).toBe(true);
});

it('stop returns once Click has exited, not when WRITE stop is answered', async () => {
  const endpoint = await forwardedVm({ clickStopDelayMs: 300 });
  const agent = factory.forEndpoint(endpoint);
  await agent.waitReady(fast);
  await agent.deploy(FORWARDER);
  const t0 = Date.now();
  await agent.stop();
  expect(vm.click!.running).toBe(false);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  // and a deploy right after (stop, write, start) finds the port free
  await agent.deploy(FORWARDER);
  expect((await agent.status()).running).toBe(true);
});

it('reconfigure of a Click started without -R (511 on hotconfig) stops, writes and starts it', async () => {
  const endpoint = await forwardedVm();
  const agent = factory.forEndpoint(endpoint);
  await agent.waitReady(fast);
  const form = new FormData();
  form.set('file', new Blob([FORWARDER]), 'func.click');
  await fetch(`http://127.0.0.1:${vm.address!.port}/file/%2Ffunc.click`, { method: 'POST', body: form });
  // the image's own start, or another tool's: no -R
  expect(await put('/click -p 8001 /func.click', '&new_program=true')).toBe(200);
  await new Promise((r) => setTimeout(r, 50));
  expect((await agent.status()).running).toBe(true);
  const pid = vm.click!.pid;
  const next = FORWARDER.replace('c_out0 :: Counter', 'c_out0 :: Counter -> extra :: Counter');
  expect(await agent.reconfigure(next)).toEqual({ hot: false });
  expect(vm.click!.pid).not.toBe(pid);
  expect(vm.click!.config).toBe(next);
  // started by the agent, with -R: the next one is hot
  expect(await agent.reconfigure(FORWARDER)).toEqual({ hot: true });
});

it('a configuration with its own ControlSocket on the -p port: Click runs, then stops a second later', async () => {
  const endpoint = await forwardedVm();
  const agent = factory.forEndpoint(endpoint);
  await agent.waitReady(fast);
  // what the samples carried until #17: the agent's start proves Click runs (the configuration's ControlSocket
  // answers), and a second later the driver's cannot bind 8001 and Click stops
  const own = FORWARDER.replace('require(dpdk);', 'require(dpdk);\ncs :: ControlSocket(TCP, 8001);');
  await agent.deploy(own);
  expect((await agent.status()).running).toBe(true);
  await new Promise((r) => setTimeout(r, 1500));
  expect((await agent.status()).running).toBe(false);
  expect(await agent.log()).toMatch(/ControlSocket\(TCP, 8001\): bind: Address in use/);
  // on another port, or 8001+ (the next free one), both listen and Click keeps running
  for (const other of ['cs :: ControlSocket(TCP, 9001);', 'cs :: ControlSocket(TCP, 8001+);']) {
    await agent.deploy(FORWARDER.replace('require(dpdk);', `require(dpdk);\n${other}`));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await agent.status()).running).toBe(true);
  }
});

it('a Click the image started at boot is told from one the agent started (bootClick), across a reboot', async () => {
  const endpoint = await forwardedVm({ bootConfig: 'Idle -> Discard;\n' });
  const agent = factory.forEndpoint(endpoint);
  await agent.waitReady(fast);
  // as the real image: its launcher runs Click at boot (OSv's threads: /click-launcher, /usr/bin/click, no /click)
  expect((await agent.status()).running).toBe(true);
  expect((await agent.metrics()).bootClick).toBe(true);
  await agent.deploy(FORWARDER);
  expect((await agent.metrics()).bootClick).toBeUndefined();
  // a reboot: the image's Click again, on whatever the disk holds (here the forwarder: the emulator's disk keeps it)
  await vm.reboot();
  await agent.waitReady(fast);
  expect((await agent.status()).running).toBe(true);
  expect((await agent.metrics()).bootClick).toBe(true);
  expect(await agent.readConfig()).toBe(FORWARDER);
});
