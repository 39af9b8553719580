import { vnfExposition } from './vnf-exposition';

describe('the VNFs in the Prometheus text format', () => {
  it('one family per measurement, labelled by instance, VNFC and VDU; label values escaped; no empty family', () => {
    const text = vnfExposition([
      {
        vnfInstanceId: 'i-1',
        vnfcId: 'c-1',
        vduId: 'click_vdu',
        sample: {
          t: 1_700_000_000_000,
          vm: 'ACTIVE',
          api: true,
          nf: true,
          cpu: 12,
          ports: [['ToDevice@3', 0, 50, 0, 25600]],
          el: [['c"in\\0', 'count', 1234]],
        },
      },
      { vnfInstanceId: 'i-2', vnfcId: 'c-2', vduId: 'v', sample: { t: 1, vm: 'SHUTOFF', api: false, nf: false } },
    ]);
    expect(text).toContain('# TYPE clickvnf_nf_running gauge\n');
    expect(text).toContain('clickvnf_nf_running{vnf_instance="i-1",vnfc="c-1",vdu="click_vdu"} 1\n');
    expect(text).toContain('clickvnf_vm_active{vnf_instance="i-2",vnfc="c-2",vdu="v"} 0');
    expect(text).toContain(
      'clickvnf_port_bytes_total{vnf_instance="i-1",vnfc="c-1",vdu="click_vdu",port="ToDevice@3",direction="tx"} 25600',
    );
    const who = 'vnf_instance="i-1",vnfc="c-1",vdu="click_vdu"';
    expect(text).toContain(`clickvnf_element_handler_value{${who},element="c\\"in\\\\0",handler="count"} 1234`);
    expect(text).toContain(
      'clickvnf_sample_timestamp_seconds{vnf_instance="i-1",vnfc="c-1",vdu="click_vdu"} 1700000000',
    );
    expect(text).not.toContain('clickvnf_memory_percent'); // no sample has it: no family
    expect(vnfExposition([])).toBe('');
  });
});
