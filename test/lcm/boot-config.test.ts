/**
 * A VNFC whose VM restarted: the real image's launcher runs Click at boot on whatever its disk holds, and a
 * configuration written less than ~5 s before a power loss is not there (ZFS; docs/image-build.md). The monitor's
 * look sees that Click was not started by the VNFM (OSv's thread list has no `/click`) and raises nf_boot_config, an
 * auto-heal cause: the HEAL pushes the instance's configuration again. Real emulated VM (bootConfig, as the image),
 * the real agent, the monitor's own observe and fault functions.
 */
import { HttpVnfAgentFactory } from '../../src/agent';
import type { VnfcResourceInfo } from '../../src/domain/vnf-instance';
import type { EmulatedVm } from '../../src/emulator';
import { conditionsOf } from '../../src/lcm/monitor/faults';
import { observeVnfc } from '../../src/lcm/monitor/observe';
import { HEAL_CAUSES } from '../../src/tosca';
import { bootForwardedOsvVm } from '../support/osv-vm';

const fast = { graceMs: 0, intervalMs: 50, deadlineMs: 5000 };
const vnfc = { id: 'vnfc-1', vduId: 'click_vdu', computeResource: { resourceId: 'server-1' } } as VnfcResourceInfo;
let vm: EmulatedVm;
afterEach(async () => vm?.powerOff());

it('Click started at boot -> nf_boot_config (an auto-heal cause); started by the agent -> none', async () => {
  const booted = await bootForwardedOsvVm({ bootConfig: 'Idle -> Discard;\n' });
  vm = booted.vm;
  const agent = new HttpVnfAgentFactory({ timeoutMs: 2000 }).forEndpoint(booted.endpoint);
  await agent.waitReady(fast);
  const look = async () => {
    const o = await observeVnfc(agent, vnfc, 'ACTIVE', 2000, Date.now);
    return { sample: o.sample, causes: conditionsOf(o, undefined, []).map((c) => c.cause) };
  };

  const atBoot = await look();
  expect(atBoot.sample).toMatchObject({ api: true, nf: true, boot: true });
  expect(atBoot.causes).toEqual(['nf_boot_config']);
  expect(HEAL_CAUSES).toContain('nf_boot_config');

  // what a HEAL (or the instantiate) does: the agent deploys the instance's configuration
  await agent.deploy('src :: RatedSource(RATE 100) -> c :: Counter -> Discard;\n');
  const deployed = await look();
  expect(deployed.sample.boot).toBeUndefined();
  expect(deployed.causes).toEqual([]);

  // the VM restarts: the image's Click again, whatever its configuration
  await vm.reboot();
  await agent.waitReady(fast);
  expect((await look()).causes).toEqual(['nf_boot_config']);
});
