/**
 * One look at an instance's VNFCs: the VM's status at the VIM (one describe per instance), then, for an
 * ACTIVE VM, its in-VM API (status), and while Click runs its metrics; while it does not, Click's own
 * error text. Nothing here decides what is a fault (faults.ts does).
 */
import type { VnfcResourceInfo, VnfInstance } from '../../domain/vnf-instance';
import type { VnfcSample } from '../../ports/monitoring';
import type { Vim } from '../../ports/vim';
import type { MetricsBaseline, VnfAgent } from '../../ports/vnf-agent';
import type { VnfdModel } from '../../tosca';
import type { LcmDeps } from '../deps';

export interface VnfcObservation {
  vnfc: VnfcResourceInfo;
  sample: VnfcSample;
  /** What Click last wrote to its error log, when it does not run. */
  clickError?: string;
  /** Why the management API did not answer. */
  apiError?: string;
}

/** The VIM that holds the instance: the one its VimConnectionInfo names, else the configured one. */
export async function instanceVim(deps: LcmDeps, inst: VnfInstance): Promise<Vim> {
  const recorded = inst.vimConnectionInfo?.find((c) => c.interfaceInfo?.['endpoint'] !== undefined);
  if (recorded === undefined || deps.vims === undefined) return deps.vim;
  return deps.vims.forConnection(recorded);
}

/** The agent of a VNFC (undefined when the VNFC has no management address or its VDU is not in the VNFD). */
export function agentOf(deps: LcmDeps, model: VnfdModel, vnfc: VnfcResourceInfo): VnfAgent | undefined {
  const md = (vnfc.metadata ?? {}) as {
    managementAddress?: string;
    managementPort?: number;
    controlSocketPort?: number;
  };
  const vdu = model.vdus.find((v) => v.id === vnfc.vduId);
  if (vdu === undefined || md.managementAddress === undefined) return undefined;
  return deps.agents.forEndpoint({
    address: md.managementAddress,
    port: md.managementPort ?? vdu.management.apiPort,
    dialect: vdu.management.dialect,
    controlSocketPort: md.controlSocketPort ?? vdu.management.controlSocketPort,
    vmControlSocketPort: vdu.management.controlSocketPort,
  });
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The last lines of Click's log: what an alarm's faultDetails carry. */
function tail(log: string, lines = 5): string {
  return log.trim().split('\n').slice(-lines).join('\n');
}

/** The previous sample as the agent's baseline: its raw reading and each port's bytes (one direction counts). */
export function previousBaseline(previous: VnfcSample | undefined): MetricsBaseline | undefined {
  if (previous?.raw === undefined || !previous.nf) return undefined;
  const [vmTimeMs, cpuMs, memoryTotal] = previous.raw;
  const bytes = Object.fromEntries((previous.ports ?? []).map(([name, , , rx, tx]) => [name, rx + tx]));
  return { vmTimeMs, cpuMs, bytes, ...(memoryTotal !== undefined ? { memoryTotal } : {}) };
}

export async function observeVnfc(
  agent: VnfAgent | undefined,
  vnfc: VnfcResourceInfo,
  vm: VnfcSample['vm'],
  timeoutMs: number,
  now: () => number,
  previous?: VnfcSample,
): Promise<VnfcObservation> {
  const sample: VnfcSample = { t: now(), vm, api: false, nf: false };
  if (vm !== 'ACTIVE' || agent === undefined) return { vnfc, sample };
  const call = { timeoutMs };
  let status;
  try {
    status = await agent.status(call);
  } catch (err) {
    return { vnfc, sample, apiError: message(err) };
  }
  sample.api = status.reachable;
  sample.nf = status.running;
  if (!status.reachable) return { vnfc, sample, apiError: 'the management API did not answer' };
  if (!status.running) {
    const log = await agent.log(call).catch((err: unknown) => `(Click's log could not be read: ${message(err)})`);
    const text = tail(log);
    return { vnfc, sample, ...(text !== '' ? { clickError: text } : {}) };
  }
  try {
    const baseline = previousBaseline(previous);
    const m = await agent.metrics({ ...call, ...(baseline !== undefined ? { baseline } : {}) });
    sample.t = now();
    sample.cpu = m.cpuPercent;
    sample.mem = m.memoryPercent;
    // only ports with counters (the 2017 plugin reports percentages of 1 Gbit/s, not counts)
    sample.ports = m.ports
      .filter((p) => [p.rxPackets, p.txPackets, p.rxBytes, p.txBytes].some((v) => v !== undefined))
      .map((p) => [p.name, p.rxPackets ?? 0, p.txPackets ?? 0, p.rxBytes ?? 0, p.txBytes ?? 0]);
    sample.el = m.elements.map((e) => [e.element, e.handler, e.value]);
    if (m.bootClick === true) sample.boot = true;
    const b = m.baseline;
    if (b !== undefined)
      sample.raw = b.memoryTotal !== undefined ? [b.vmTimeMs, b.cpuMs, b.memoryTotal] : [b.vmTimeMs, b.cpuMs];
  } catch (err) {
    // the status answered and Click runs: metrics that fail this once leave the sample without them
    return { vnfc, sample, apiError: `metrics: ${message(err)}` };
  }
  return { vnfc, sample };
}

/** Every VNFC of the instance, observed concurrently (`previous`: each VNFC's newest sample, by VNFC id). */
export async function observeInstance(
  deps: LcmDeps,
  inst: VnfInstance,
  model: VnfdModel,
  timeoutMs: number,
  now: () => number,
  previous: ReadonlyMap<string, VnfcSample> = new Map(),
): Promise<VnfcObservation[]> {
  const vnfcs = inst.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
  if (vnfcs.length === 0) return [];
  const vim = await instanceVim(deps, inst);
  const servers = new Map((await vim.describe(inst.id)).map((r) => [r.resourceId, r]));
  return Promise.all(
    vnfcs.map((v) =>
      observeVnfc(
        agentOf(deps, model, v),
        v,
        servers.get(v.computeResource.resourceId)?.status ?? 'MISSING',
        timeoutMs,
        now,
        previous.get(v.id),
      ),
    ),
  );
}
