/**
 * What one look at an osv-controlsocket VNFC costs: one ControlSocket session whose READs go in one write (the
 * element classes remembered per ControlSocket), and, with the previous reading as baseline, one sample instead
 * of two. Counted on the real client against the emulated VM's ControlSocket.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatedVm } from '../../src/emulator';
import { HttpVnfAgentFactory } from '../../src/agent';
import { ControlSocketClient } from '../../src/agent/control-socket-client';
import type { NormalizedMetrics, VnfAgent } from '../../src/ports/vnf-agent';
import { freePort } from '../../src/net/free-port';

const FORWARDER = readFileSync(join(__dirname, '../../vnfd/forwarder/Files/click/forwarder.click'), 'utf8');
const factory = new HttpVnfAgentFactory({ timeoutMs: 3000 });

let vm: EmulatedVm;
let agent: VnfAgent;
let sessions: jest.SpyInstance;
let writes: jest.SpyInstance;

beforeEach(async () => {
  const controlPort = await freePort();
  vm = new EmulatedVm({ dialect: 'osv-controlsocket', host: '127.0.0.1', port: 0, controlPort });
  await vm.boot();
  agent = factory.forEndpoint({
    address: '127.0.0.1',
    port: vm.address!.port,
    dialect: 'osv-controlsocket',
    controlSocketPort: controlPort,
  });
  await agent.waitReady({ graceMs: 0, intervalMs: 50, deadlineMs: 5000 });
  await agent.deploy(FORWARDER);
  sessions = jest.spyOn(ControlSocketClient, 'open');
  writes = jest.spyOn(ControlSocketClient.prototype, 'readMany');
});
afterEach(async () => {
  jest.restoreAllMocks();
  await vm.powerOff();
});

const value = (m: NormalizedMetrics, element: string, handler: string): number | undefined =>
  m.elements.find((e) => e.element === element && e.handler === handler)?.value;

it('reads the classes once, then every counter with `list` in one write per look', async () => {
  const first = await agent.metrics();
  // no baseline: two samples; the first reads list, classes, counters (3 writes), the second only counters
  expect(sessions).toHaveBeenCalledTimes(2);
  expect(writes).toHaveBeenCalledTimes(4);
  sessions.mockClear();
  writes.mockClear();
  const next = await agent.metrics({ baseline: first.baseline! });
  expect(sessions).toHaveBeenCalledTimes(1);
  expect(writes).toHaveBeenCalledTimes(1);
  // the same handlers as Click has, moving
  expect(next.elements.map((e) => `${e.element}.${e.handler}`)).toEqual(
    first.elements.map((e) => `${e.element}.${e.handler}`),
  );
  expect(value(next, 'c_in0', 'count')!).toBeGreaterThan(value(first, 'c_in0', 'count')!);
});

it('takes CPU % and port rates against the baseline; two samples when the baseline is not of this run', async () => {
  const first = await agent.metrics();
  await new Promise((r) => setTimeout(r, 300));
  sessions.mockClear();
  const next = await agent.metrics({ baseline: first.baseline! });
  expect(sessions).toHaveBeenCalledTimes(1);
  const rx = next.ports.find((p) => p.rxBytes !== undefined)!;
  const before = first.baseline!.bytes[rx.name]!;
  const seconds = (next.timeMs - first.baseline!.vmTimeMs) / 1000;
  expect(rx.rxRate).toBe(Math.round((rx.rxBytes! - before) / seconds));
  expect(rx.rxRate).toBeGreaterThan(0);
  expect(next.cpuPercent).toBeGreaterThan(0);
  expect(next.baseline!.memoryTotal).toBe(first.baseline!.memoryTotal);
  // a baseline whose Click CPU time is ahead of now's (another run of Click, a rebooted VM): not used
  sessions.mockClear();
  const fresh = await agent.metrics({ baseline: { ...next.baseline!, cpuMs: next.baseline!.cpuMs + 1e9 } });
  expect(sessions).toHaveBeenCalledTimes(2);
  expect(fresh.cpuPercent).toBeGreaterThanOrEqual(0);
  expect(fresh.cpuPercent).toBeLessThanOrEqual(100);
});

it('sees a hot reconfiguration from another process: new elements, and a name whose class changed', async () => {
  await agent.metrics();
  // another VNFM process reconfigures (this process's cache does not hear of it)
  const next = FORWARDER.replace('c_out0 :: Counter', 'c_out0 :: Counter -> extra :: Counter');
  await ControlSocketClient.open('127.0.0.1', agent.endpoint.controlSocketPort!, 3000).then(async (c) => {
    expect((await c.writeData('hotconfig', next)).code).toBe(200);
    c.close();
  });
  const m = await agent.metrics();
  expect(value(m, 'extra', 'count')).toBeDefined();
  // the same element names (the same `list`), c_in0 now a queue: its counters are gone, its queue handlers read
  const swapped = next.replace('c_in0 :: Counter', 'c_in0 :: Queue(100)');
  expect(swapped).not.toBe(next);
  await ControlSocketClient.open('127.0.0.1', agent.endpoint.controlSocketPort!, 3000).then(async (c) => {
    expect((await c.writeData('hotconfig', swapped)).code).toBe(200);
    c.close();
  });
  const q = await agent.metrics();
  expect(value(q, 'c_in0', 'count')).toBeUndefined();
  expect(value(q, 'c_in0', 'length')).toBeDefined();
});
