/**
 * The VNFs' own measurements in the Prometheus text format: each VNFC's newest sample as the monitor stored it
 * (docs/operations.md, "The VNFs' measurements"), so that an operator's Prometheus scrapes Click's counters without
 * an exporter in the VM. Labels: vnf_instance, vnfc, vdu (and port/direction, element/handler).
 */
import type { VnfcSampleOf } from '../ports/monitoring';

type Row = VnfcSampleOf & { vnfInstanceId: string };

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>): string =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',')}}`;

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  lines: string[];
}

export function vnfExposition(rows: Row[]): string {
  const family = (name: string, type: Family['type'], help: string): Family => ({ name, type, help, lines: [] });
  const f = {
    vm: family('clickvnf_vm_active', 'gauge', 'The VNFC VM is ACTIVE at the VIM (1) or not (0)'),
    api: family('clickvnf_api_up', 'gauge', 'The in-VM management API answered'),
    nf: family('clickvnf_nf_running', 'gauge', 'The Click network function runs'),
    cpu: family('clickvnf_cpu_percent', 'gauge', 'CPU use of the VNFC VM, percent'),
    mem: family('clickvnf_memory_percent', 'gauge', 'Memory use of the VNFC VM, percent'),
    packets: family('clickvnf_port_packets_total', 'counter', 'Packets through a data port (Click device element)'),
    bytes: family('clickvnf_port_bytes_total', 'counter', 'Bytes through a data port (Click device element)'),
    handler: family('clickvnf_element_handler_value', 'gauge', 'A numeric Click element read handler (count, rate...)'),
    at: family('clickvnf_sample_timestamp_seconds', 'gauge', 'When the monitor took the sample'),
  };
  const add = (fam: Family, l: Record<string, string>, v: number | undefined): void => {
    if (v !== undefined && Number.isFinite(v)) fam.lines.push(`${fam.name}${labels(l)} ${v}`);
  };
  for (const r of rows) {
    const who = { vnf_instance: r.vnfInstanceId, vnfc: r.vnfcId, vdu: r.vduId };
    const s = r.sample;
    add(f.vm, who, s.vm === 'ACTIVE' ? 1 : 0);
    add(f.api, who, s.api ? 1 : 0);
    add(f.nf, who, s.nf ? 1 : 0);
    add(f.cpu, who, s.cpu);
    add(f.mem, who, s.mem);
    add(f.at, who, s.t / 1000);
    for (const [port, rxp, txp, rxb, txb] of s.ports ?? []) {
      add(f.packets, { ...who, port, direction: 'rx' }, rxp);
      add(f.packets, { ...who, port, direction: 'tx' }, txp);
      add(f.bytes, { ...who, port, direction: 'rx' }, rxb);
      add(f.bytes, { ...who, port, direction: 'tx' }, txb);
    }
    for (const [element, handler, value] of s.el ?? []) add(f.handler, { ...who, element, handler }, value);
  }
  return Object.values(f)
    .filter((fam) => fam.lines.length > 0)
    .map((fam) => `# HELP ${fam.name} ${fam.help}\n# TYPE ${fam.name} ${fam.type}\n${fam.lines.join('\n')}\n`)
    .join('');
}
