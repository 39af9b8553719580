/**
 * The Day-2 policies (clickosv.policies.AutoHeal, AutoScale, ElementAlarm, Indicator): the model they read to,
 * with defaults and times in milliseconds, and each check's error at the file, line and column of its value.
 * The VNFDs are the nat sample (elements cs, c_in0, c_in1, rw, c_out0, c_out1) with policies added.
 */
import { join } from 'node:path';
import { assemblePackage, loadTypeLibrary, parsePackage, readPackageDir, type PackageFiles } from '.';
import type { SourceDiagnostic } from '../errors';

const lib = loadTypeLibrary();
const ROOT = join(__dirname, '../../vnfd');
const VNFD = 'Definitions/nat_vnfd.yaml';

/** The nat sample with `policies` (YAML list items, 4 spaces in) before its scaling aspects. */
async function nat(policies: string, mutate: (vnfd: string) => string = (s) => s): Promise<PackageFiles> {
  const files = readPackageDir(join(ROOT, 'nat')).files!;
  const vnfd = files.get(VNFD)!.toString().replace('\n    - scaling_aspects:', `\n${policies}\n    - scaling_aspects:`);
  files.set(VNFD, Buffer.from(mutate(vnfd)));
  await assemblePackage(files, lib);
  return files;
}
const diagnostics = (files: PackageFiles): SourceDiagnostic[] =>
  parsePackage(files, lib).diagnostics.filter((d) => d.file === VNFD);
const errors = (files: PackageFiles): SourceDiagnostic[] => diagnostics(files).filter((d) => d.severity === 'error');
/** The source line a diagnostic points at, from its column on. */
const where = (files: PackageFiles, d: SourceDiagnostic): string => {
  const lines = files.get(VNFD)!.toString().split('\n');
  return lines[d.line - 1]!.slice(d.column - 1);
};

/** One policy of `type` on click_vdu with the given property lines (10 spaces in). */
const policy = (name: string, type: string, ...props: string[]): string =>
  `    - ${name}:\n        type: ${type}\n` +
  (props.length > 0 ? `        properties:\n${props.map((p) => `          ${p}\n`).join('')}` : '') +
  '        targets: [ click_vdu ]\n';

describe('Day-2 policies: the model', () => {
  it('is empty when the VNFD declares none, in every flavour', async () => {
    const m = parsePackage(await nat(''), lib).model!;
    const empty = { autoHeal: [], autoScale: [], elementAlarms: [], indicators: [] };
    expect(m.monitoring).toEqual(empty);
    expect(m.flavours.map((f) => f.monitoring)).toEqual([empty]);
  });

  it('gives each policy its defaults, its VDUs and its place', async () => {
    const files = await nat(
      policy('heal', 'clickosv.policies.AutoHeal') +
        policy(
          'scale',
          'clickosv.policies.AutoScale',
          'aspect: click_aspect',
          'metric: c_in0.rate',
          'scale_out_threshold: 1.0e+5',
        ) +
        policy('drops', 'clickosv.policies.ElementAlarm', "handler: '*.drops'", 'threshold: 10.0') +
        policy('packets_in', 'clickosv.policies.Indicator', 'name: packets in', 'handler: c_in0.count'),
    );
    const r = parsePackage(files, lib);
    expect(r.diagnostics.filter((d) => d.severity === 'error' || d.message.startsWith('policy'))).toEqual([]);
    const m = r.model!.monitoring;
    const lines = files.get(VNFD)!.toString().split('\n');
    const pos = (name: string) => ({ file: VNFD, line: lines.indexOf(`    - ${name}:`) + 1, column: 7 });
    expect(m.autoHeal).toEqual([
      {
        id: 'heal',
        vduIds: ['click_vdu'],
        causes: ['vm_not_active', 'api_unreachable', 'nf_not_running', 'nf_boot_config'],
        maxAttempts: 3,
        backoffMs: 30_000,
        windowMs: 3_600_000,
        pos: pos('heal'),
      },
    ]);
    expect(m.autoScale).toEqual([
      {
        id: 'scale',
        vduIds: ['click_vdu'],
        aspectId: 'click_aspect',
        metric: { kind: 'handler', handler: { element: 'c_in0', handler: 'rate' } },
        aggregate: 'avg',
        scaleOutThreshold: 100_000,
        cooldownMs: 120_000,
        pos: pos('scale'),
      },
    ]);
    expect(m.elementAlarms).toEqual([
      {
        id: 'drops',
        vduIds: ['click_vdu'],
        handler: { element: '*', handler: 'drops' },
        thresholdPerSecond: 10,
        severity: 'MAJOR',
        probableCause: 'packet-loss',
        pos: pos('drops'),
      },
    ]);
    expect(m.indicators).toEqual([
      {
        id: 'packets_in',
        vduIds: ['click_vdu'],
        name: 'packets in',
        handler: { element: 'c_in0', handler: 'count' },
        aggregate: 'sum',
        pos: pos('packets_in'),
      },
    ]);
    // plain data: the model is what it was once through JSON
    expect(JSON.parse(JSON.stringify(r.model))).toEqual(r.model);
  });

  it('reads the values given, times in milliseconds', async () => {
    const m = parsePackage(
      await nat(
        policy(
          'heal',
          'clickosv.policies.AutoHeal',
          'causes: [ nf_not_running ]',
          'max_attempts: 5',
          'backoff: 500 ms',
          'window: 2 h',
        ) +
          policy(
            'scale',
            'clickosv.policies.AutoScale',
            'aspect: click_aspect',
            'metric: rx_packet_rate',
            'aggregate: max',
            'scale_out_threshold: 900000.0',
            'scale_in_threshold: 1.0e+5',
            'cooldown: 1 m',
          ) +
          policy(
            'drops',
            'clickosv.policies.ElementAlarm',
            'handler: c_in0.count',
            'threshold: 0.5',
            'severity: CRITICAL',
            'probable_cause: overload',
          ) +
          policy('ind', 'clickosv.policies.Indicator', 'name: out', 'handler: c_out1.byte_count', 'aggregate: max'),
      ),
      lib,
    ).model!.monitoring;
    expect(m.autoHeal[0]).toMatchObject({
      causes: ['nf_not_running'],
      maxAttempts: 5,
      backoffMs: 500,
      windowMs: 7.2e6,
    });
    expect(m.autoScale[0]).toMatchObject({
      metric: { kind: 'port', name: 'rx_packet_rate' },
      aggregate: 'max',
      scaleOutThreshold: 900_000,
      scaleInThreshold: 100_000,
      cooldownMs: 60_000,
    });
    expect(m.elementAlarms[0]).toMatchObject({
      thresholdPerSecond: 0.5,
      severity: 'CRITICAL',
      probableCause: 'overload',
    });
    expect(m.indicators[0]).toMatchObject({ handler: { element: 'c_out1', handler: 'byte_count' }, aggregate: 'max' });
  });
});

describe('Day-2 policies: each check an error at its value', () => {
  it('an aspect the flavour does not have', async () => {
    const files = await nat(
      policy('scale', 'clickosv.policies.AutoScale', 'aspect: nope', 'metric: c_in0.rate', 'scale_out_threshold: 1.0'),
    );
    const [e, ...rest] = errors(files);
    expect(rest).toEqual([]);
    expect(e!.message).toBe(
      "policy 'scale': aspect 'nope' is not a scaling aspect of the flavour (no ScalingAspects policy defines it)",
    );
    expect(where(files, e!)).toBe('aspect: nope');
  });

  it.each(['c_in0', 'c_in0.', '.count', 'c_in0.count.x', 'c in0.count', '1x.count'])(
    "a handler not of the form element.handler: '%s'",
    async (handler) => {
      const files = await nat(policy('ind', 'clickosv.policies.Indicator', 'name: x', `handler: '${handler}'`));
      const [e, ...rest] = errors(files);
      expect(rest).toEqual([]);
      expect(e!.message).toBe(
        `policy 'ind': '${handler}' is not a Click handler of the form element.handler (e.g. c_in0.count)`,
      );
      expect(where(files, e!)).toBe(`handler: '${handler}'`);
    },
  );

  it('an element that no targeted Click configuration has; `*` matches any, and only in an ElementAlarm', async () => {
    const files = await nat(
      policy('alarm', 'clickosv.policies.ElementAlarm', 'handler: q.drops', 'threshold: 1.0') +
        policy('any', 'clickosv.policies.ElementAlarm', "handler: '*.count'", 'threshold: 1.0') +
        policy('ind', 'clickosv.policies.Indicator', 'name: x', "handler: '*.count'") +
        policy(
          'scale',
          'clickosv.policies.AutoScale',
          'aspect: click_aspect',
          'metric: c_in9.rate',
          'scale_out_threshold: 1.0',
        ),
    );
    const e = errors(files);
    expect(e.map((d) => [d.message, where(files, d)])).toEqual([
      [
        "policy 'alarm': element 'q' is in no Click configuration of the VDUs it targets ('click_vdu')",
        'handler: q.drops',
      ],
      [
        "policy 'ind': '*.count': '*' (every element) is for clickosv.policies.ElementAlarm only; name one element",
        "handler: '*.count'",
      ],
      [
        "policy 'scale': element 'c_in9' is in no Click configuration of the VDUs it targets ('click_vdu')",
        'metric: c_in9.rate',
      ],
    ]);
  });

  it('a handler the element class lacks, or that no element has: warnings', async () => {
    const files = await nat(
      policy('a', 'clickosv.policies.ElementAlarm', 'handler: c_in0.drops', 'threshold: 1.0') +
        policy('b', 'clickosv.policies.ElementAlarm', "handler: '*.nothing'", 'threshold: 1.0'),
    );
    expect(errors(files)).toEqual([]);
    const w = diagnostics(files).filter((d) => d.severity === 'warning' && d.message.startsWith('policy'));
    expect(w.map((d) => [d.message, where(files, d)])).toEqual([
      ["policy 'a': element 'c_in0' (Counter) has no handler 'drops'", 'handler: c_in0.drops'],
      [
        "policy 'b': no element of the targeted VDUs' Click configurations has a handler 'nothing'",
        "handler: '*.nothing'",
      ],
    ]);
  });

  it('a float that tosca-parser (so Tacker) would not read as one: a warning saying how to write it', async () => {
    const files = await nat(
      policy(
        'scale',
        'clickosv.policies.AutoScale',
        'aspect: click_aspect',
        'metric: rx_byte_rate',
        'scale_out_threshold: 900000',
        'scale_in_threshold: 1.0e5 # YAML 1.1 wants a sign in the exponent',
      ) + policy('alarm', 'clickosv.policies.ElementAlarm', 'handler: c_in0.count', 'threshold: .5'),
    );
    expect(errors(files)).toEqual([]);
    const w = diagnostics(files).filter((d) => d.severity === 'warning' && d.message.startsWith('policy'));
    expect(w.map((d) => [d.message, where(files, d)])).toEqual([
      [
        "policy 'scale': write scale_out_threshold as 900000.0: tosca-parser (so Tacker) reads '900000' as an " +
          'integer, not a float',
        'scale_out_threshold: 900000',
      ],
      [
        "policy 'scale': write scale_in_threshold as 100000.0: tosca-parser (so Tacker) reads '1.0e5' as a string, " +
          'not a float',
        'scale_in_threshold: 1.0e5 # YAML 1.1 wants a sign in the exponent',
      ],
    ]);
  });

  it('a handler on VDUs without a Click configuration', async () => {
    const files = await nat(policy('ind', 'clickosv.policies.Indicator', 'name: x', 'handler: c_in0.count'), (s) =>
      s.replace(/ {6}artifacts:\n {8}click_config:\n(?: {10}.*\n)+/, ''),
    );
    expect(errors(files).map((d) => d.message)).toContain(
      "policy 'ind': 'c_in0.count' names a Click handler, but no VDU it targets ('click_vdu') has a Click " +
        'configuration',
    );
  });

  it('scale_in_threshold not below scale_out_threshold', async () => {
    const files = await nat(
      policy(
        'scale',
        'clickosv.policies.AutoScale',
        'aspect: click_aspect',
        'metric: tx_byte_rate',
        'scale_out_threshold: 100.0',
        'scale_in_threshold: 100.0',
      ),
    );
    const [e, ...rest] = errors(files);
    expect(rest).toEqual([]);
    expect(e!.message).toBe(
      "policy 'scale': scale_in_threshold (100) must be below scale_out_threshold (100), or the aspect would scale " +
        'in and out on one value',
    );
    expect(where(files, e!)).toBe('scale_in_threshold: 100.0');
  });

  it('max_attempts below 1', async () => {
    const files = await nat(policy('heal', 'clickosv.policies.AutoHeal', 'max_attempts: 0'));
    const [e, ...rest] = errors(files);
    expect(rest).toEqual([]);
    expect(e!.message).toBe("policy 'heal': max_attempts must be 1 or more, got 0");
    expect(where(files, e!)).toBe('max_attempts: 0');
  });

  it("a targeted VDU without deltas in the aspect: a warning (scaling it adds none of the VDU's VNFCs)", async () => {
    const files = await nat(
      policy(
        'scale',
        'clickosv.policies.AutoScale',
        'aspect: other_aspect',
        'metric: rx_packet_rate',
        'scale_out_threshold: 1.0',
      ),
      (s) =>
        s.replace('            click_aspect:\n', '            other_aspect:\n              max_scale_level: 1\n$&'),
    );
    expect(errors(files)).toEqual([]);
    const w = diagnostics(files).filter((d) => d.severity === 'warning' && d.message.startsWith('policy'));
    expect(w.map((d) => [d.message, where(files, d)])).toEqual([
      [
        "policy 'scale': VDU 'click_vdu' has no VduScalingAspectDeltas for aspect 'other_aspect': scaling it adds no " +
          'VNFC of it',
        'aspect: other_aspect',
      ],
    ]);
  });

  it('an unknown metric name', async () => {
    const files = await nat(
      policy(
        'scale',
        'clickosv.policies.AutoScale',
        'aspect: click_aspect',
        'metric: cpu_load',
        'scale_out_threshold: 1.0',
      ),
    );
    const [e, ...rest] = errors(files);
    expect(rest).toEqual([]);
    expect(e!.message).toBe(
      "policy 'scale': unknown metric 'cpu_load': give a Click handler (element.handler) or one of rx_packet_rate, " +
        'tx_packet_rate, rx_byte_rate, tx_byte_rate',
    );
    expect(where(files, e!)).toBe('metric: cpu_load');
  });

  it('an unknown or no heal cause, a time without its unit, a negative threshold, a bad severity', async () => {
    const files = await nat(
      policy('heal', 'clickosv.policies.AutoHeal', 'causes: [ vm_not_active, cosmic_rays ]', 'backoff: 30') +
        policy('alarm', 'clickosv.policies.ElementAlarm', 'handler: c_in0.count', 'threshold: -1.0', 'severity: FATAL'),
    );
    expect(errors(files).map((d) => [d.message, where(files, d)])).toEqual([
      [
        'policy \'heal\': unknown cause "cosmic_rays": the causes are vm_not_active, api_unreachable, ' +
          'nf_not_running, nf_boot_config',
        'causes: [ vm_not_active, cosmic_rays ]',
      ],
      ["policy 'heal': backoff must be a scalar-unit.time such as '30 s', got 30", 'backoff: 30'],
      ['property \'severity\' must be one of CRITICAL, MAJOR, MINOR, WARNING, got "FATAL"', 'severity: FATAL'],
      ["policy 'alarm': threshold must be 0 or more, got -1", 'threshold: -1.0'],
    ]);
    const none = await nat(policy('heal', 'clickosv.policies.AutoHeal', 'causes: []'));
    expect(errors(none).map((d) => d.message)).toEqual([
      "policy 'heal': causes is empty: give one or more of vm_not_active, api_unreachable, nf_not_running, " +
        'nf_boot_config',
    ]);
  });

  it('required properties, targets that are not VDUs, no targets, two AutoHeal policies on one VDU', async () => {
    const files = await nat(
      policy('scale', 'clickosv.policies.AutoScale', 'aspect: click_aspect').replace('click_vdu', 'mgmt_cp') +
        policy('heal1', 'clickosv.policies.AutoHeal') +
        policy('heal2', 'clickosv.policies.AutoHeal') +
        '    - ind:\n        type: clickosv.policies.Indicator\n' +
        '        properties: { name: x, handler: c_in0.count }\n',
    );
    expect(errors(files).map((d) => d.message)).toEqual([
      "property 'metric' of clickosv.policies.AutoScale is required",
      "property 'scale_out_threshold' of clickosv.policies.AutoScale is required",
      "policy 'scale' targets 'mgmt_cp', which is not a VDU",
      "policy 'heal2': VDU 'click_vdu' is the target of more than one clickosv.policies.AutoHeal policy",
      "policy 'ind' (clickosv.policies.Indicator) needs targets: the VDUs it watches",
    ]);
  });
});

describe('Day-2 policies: the samples', () => {
  it('the forwarder heals and counts what it forwards; the load-balancer watches its queues', async () => {
    const model = async (name: string) => {
      const files = readPackageDir(join(ROOT, name)).files!;
      await assemblePackage(files, lib);
      const r = parsePackage(files, lib);
      expect(r.diagnostics).toEqual([]);
      return r.model!.monitoring;
    };
    const fwd = await model('forwarder');
    expect(fwd.autoHeal.map((h) => [h.id, h.vduIds, h.maxAttempts])).toEqual([
      ['click_vdu_auto_heal', ['click_vdu'], 3],
    ]);
    expect(fwd.indicators.map((i) => [i.id, `${i.handler.element}.${i.handler.handler}`, i.aggregate])).toEqual([
      ['packets_forwarded_0_to_1', 'c_out1.count', 'sum'],
      ['packets_forwarded_1_to_0', 'c_out0.count', 'sum'],
    ]);
    const lb = await model('load-balancer');
    expect(lb.elementAlarms).toMatchObject([
      { id: 'backend_queue_drops', handler: { element: '*', handler: 'drops' } },
    ]);
  });
});
