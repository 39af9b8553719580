/**
 * Our instantiate and terminate next to a Tacker-shaped baseline, alternating in one run on the mini-cloud
 * (issue 19). Target: ours at most 1.2x the baseline's time, for instantiate and for terminate.
 * Run (as root, the mini-cloud up): `. .minicloud/openrc && npm run build && node dist/bench/openstack-baseline.js`
 *
 * (a) ours: the forwarder sample through the VNFM's API (instantiate: image, stack, the VM's API ready, the Click
 *     config pushed and proven running; terminate FORCEFUL), timed from the POST to the op-occ seen COMPLETED.
 * (b) the baseline: the same VNF as one plain Heat stack (a flavor with the same NFV extra specs, the management
 *     port and the two SR-IOV ports, one server on the same image), created then deleted through Heat directly,
 *     timed from POST /stacks to CREATE_COMPLETE seen and from DELETE to DELETE_COMPLETE seen. Heat is looked at
 *     every 50 ms: Tacker at its best (it polls every 5 s), and nothing in the VM is waited for.
 * The order of (a) and (b) swaps every run; the first pair warms up and is not counted.
 */
import { homedir, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { processEnv } from '../src/config';
import { OpenStackClient, resolveCloud } from '../src/openstack';
import { tinyQcow2 } from '../test/support/packages';
import { startBenchVnfm } from './openstack-support';
import { percentile, runMain, writeSection } from './support';

const ROOT = resolve(__dirname, '../..');
const RUNS = Number(processEnv()['BENCH_RUNS'] ?? 5);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The forwarder as Tacker's Heat driver would make it, flattened: flavor, three ports, one server. */
function baselineTemplate(image: string, mgmt: string, data: string): Record<string, unknown> {
  const port = (network: string, vnic: string, secure: boolean): Record<string, unknown> => ({
    type: 'OS::Neutron::Port',
    properties: {
      network,
      'binding:vnic_type': vnic,
      ...(secure ? {} : { port_security_enabled: false }),
    },
  });
  return {
    heat_template_version: '2018-08-31',
    resources: {
      flavor: {
        type: 'OS::Nova::Flavor',
        properties: {
          vcpus: 2,
          ram: 512,
          disk: 1,
          is_public: false,
          tenants: [{ get_param: 'OS::project_id' }],
          extra_specs: { 'hw:cpu_policy': 'dedicated', 'hw:mem_page_size': 'large' },
        },
      },
      mgmt_cp: port(mgmt, 'normal', true),
      data0_cp: port(data, 'direct', false),
      data1_cp: port(data, 'direct', false),
      server: {
        type: 'OS::Nova::Server',
        properties: {
          flavor: { get_resource: 'flavor' },
          image,
          metadata: { clickosv_dialect: 'click-plugin' },
          networks: [
            { port: { get_resource: 'mgmt_cp' } },
            { port: { get_resource: 'data0_cp' } },
            { port: { get_resource: 'data1_cp' } },
          ],
        },
      },
    },
  };
}

async function main(): Promise<void> {
  const cloud = resolveCloud(processEnv(), { home: homedir(), cwd: process.cwd() }); // fails early without a cloud
  const os = await OpenStackClient.connect(cloud);
  const bench = await startBenchVnfm('osb');
  const { call, waitOp } = bench;
  const qcow = tinyQcow2(1 << 30, `bench-baseline-${Date.now()}`);
  const baseImage = await os.image.create({
    name: `bench-baseline-${Date.now()}`,
    disk_format: 'qcow2',
    container_format: 'bare',
  });
  try {
    await os.image.upload(baseImage.id, qcow);
    const [mgmt, data] = await Promise.all([
      os.network.findNetwork('clickvnfm-mgmt'),
      os.network.findNetwork('clickvnfm-ext'),
    ]);
    if (mgmt === undefined || data === undefined) throw new Error('the mini-cloud has no clickvnfm-mgmt/-ext');
    const template = baselineTemplate(baseImage.id, mgmt.id, data.id);

    const vnfdId = await bench.onboardForwarder(qcow);

    const ours = async (run: number): Promise<{ inst: number; term: number }> => {
      const inst = await call<{ id: string }>('POST', '/vnflcm/v1/vnf_instances', {
        vnfdId,
        vnfInstanceName: `bench-${run}`,
      });
      let t0 = performance.now();
      const started = await call('POST', `/vnflcm/v1/vnf_instances/${inst.body.id}/instantiate`, {
        flavourId: 'simple',
      });
      const op = await waitOp(started.location as string);
      const instMs = performance.now() - t0;
      if (op.operationState !== 'COMPLETED')
        throw new Error(`instantiate ${op.operationState}: ${JSON.stringify(op.error)}`);
      t0 = performance.now();
      const term = await call('POST', `/vnflcm/v1/vnf_instances/${inst.body.id}/terminate`, {
        terminationType: 'FORCEFUL',
      });
      const top = await waitOp(term.location as string);
      const termMs = performance.now() - t0;
      if (top.operationState !== 'COMPLETED')
        throw new Error(`terminate ${top.operationState}: ${JSON.stringify(top.error)}`);
      await call('DELETE', `/vnflcm/v1/vnf_instances/${inst.body.id}`);
      return { inst: instMs, term: termMs };
    };
    const baseline = async (run: number): Promise<{ inst: number; term: number }> => {
      const name = `bench-baseline-${run}-${Date.now()}`;
      let t0 = performance.now();
      const { id } = await os.orchestration.create({ stack_name: name, template, disable_rollback: true });
      for (;;) {
        const st = await os.orchestration.get(name, id);
        if (st.stack_status === 'CREATE_COMPLETE') break;
        if (st.stack_status !== 'CREATE_IN_PROGRESS')
          throw new Error(`baseline stack ${st.stack_status}: ${st.stack_status_reason ?? ''}`);
        await sleep(50);
      }
      const instMs = performance.now() - t0;
      t0 = performance.now();
      await os.orchestration.delete(name, id);
      for (;;) {
        const st = await os.orchestration.find(id);
        if (st === undefined || st.stack_status === 'DELETE_COMPLETE') break;
        if (st.stack_status !== 'DELETE_IN_PROGRESS')
          throw new Error(`baseline stack ${st.stack_status}: ${st.stack_status_reason ?? ''}`);
        await sleep(50);
      }
      return { inst: instMs, term: performance.now() - t0 };
    };

    const load0 = loadavg()[0] ?? 0;
    const rows: Array<{ ours: { inst: number; term: number }; base: { inst: number; term: number } }> = [];
    for (let run = 0; run < RUNS + 1; run++) {
      let o, b;
      if (run % 2 === 0) {
        o = await ours(run);
        b = await baseline(run);
      } else {
        b = await baseline(run);
        o = await ours(run);
      }
      // the first pair warms up (connections, Heat's and Nova's caches): not counted
      if (run > 0) rows.push({ ours: o, base: b });
      const f = (x: { inst: number; term: number }): string => `${Math.round(x.inst)}/${Math.round(x.term)} ms`;
      process.stdout.write(`run ${run}${run === 0 ? ' (warm-up)' : ''}: ours ${f(o)}, baseline ${f(b)}\n`);
    }
    const med = (pick: (r: (typeof rows)[number]) => number): number =>
      percentile(
        rows.map(pick).sort((a, c) => a - c),
        50,
      );
    const line = (what: 'inst' | 'term', label: string): string => {
      const o = med((r) => r.ours[what]);
      const b = med((r) => r.base[what]);
      const ratio = o / b;
      const ok = ratio <= 1.2 ? 'YES' : 'NO';
      return `| ${label} | ${(o / 1000).toFixed(1)} | ${(b / 1000).toFixed(1)} | ${ratio.toFixed(2)} | ${ok} |`;
    };
    const md = [
      '## Instantiate and terminate next to a Tacker-shaped baseline, on the mini-cloud (issue 19)',
      '',
      'Command: `. .minicloud/openrc && npm run build && node dist/bench/openstack-baseline.js`',
      `(${RUNS} timed pairs after one warm-up pair, the order swapped every run; BENCH_RUNS sets the number).`,
      'Ours: the forwarder sample through the API, from the POST to the op-occ seen COMPLETED (instantiate includes',
      "the image, the stack, the VM's API ready, the Click config pushed and proven running; terminate is FORCEFUL).",
      'Baseline: the same VNF as one plain Heat stack (flavor with the same NFV extra specs, the management port, two',
      'SR-IOV ports, one server, the same image bytes), POST /stacks to CREATE_COMPLETE and DELETE to DELETE_COMPLETE,',
      'Heat looked at every 50 ms (Tacker at its best; it polls every 5 s), nothing in the VM awaited.',
      '',
      '| median | ours (s) | baseline (s) | ratio | at most 1.2x |',
      '|---|---|---|---|---|',
      line('inst', 'instantiate'),
      line('term', 'terminate'),
      '',
      `Load average (1 min) at the start and the end: ${load0.toFixed(1)} and ${(loadavg()[0] ?? 0).toFixed(1)}` +
        ' (2 cores):',
      'both sides share whatever else the machine runs, hence the alternation and the medians.',
    ].join('\n');
    writeSection(ROOT, 'openstack-baseline', md);
    process.stdout.write(`${md}\n`);
  } finally {
    await os.image.delete(baseImage.id, { ignoreMissing: true });
    await bench.stop();
  }
}

runMain(main);
