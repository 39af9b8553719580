/**
 * The Day-2 policies of a flavour (docs/packages.md, "Day-2 policies"): clickosv.policies.AutoHeal, AutoScale,
 * ElementAlarm and Indicator, which target the flavour's VDUs, read into its MonitoringModel (times in
 * milliseconds, defaults applied) and checked: properties against the type, targets, the aspect, the metric,
 * the thresholds, and each Click handler against the targeted VDUs' Click configurations.
 */
import { ClickElements, parseHandler } from './click-handlers';
import type {
  AlarmSeverity,
  AutoHealModel,
  AutoScaleModel,
  ClickHandlerRef,
  HealCause,
  MonitoringModel,
  MonitoringPolicyModel,
  PortMetric,
  ScalingAspectModel,
  VduModel,
} from './model';
import { checkProperties } from './node-checks';
import { timeMs } from './scalars';
import { obj, str, type Obj, type VnfdContext } from './vnfd-context';
import { locate } from './yaml';

export const AUTO_HEAL_POLICY = 'clickosv.policies.AutoHeal';
export const AUTO_SCALE_POLICY = 'clickosv.policies.AutoScale';
export const ELEMENT_ALARM_POLICY = 'clickosv.policies.ElementAlarm';
export const INDICATOR_POLICY = 'clickosv.policies.Indicator';

export const HEAL_CAUSES: readonly HealCause[] = [
  'vm_not_active',
  'api_unreachable',
  'nf_not_running',
  'nf_boot_config',
];
export const PORT_METRICS: readonly PortMetric[] = ['rx_packet_rate', 'tx_packet_rate', 'rx_byte_rate', 'tx_byte_rate'];
const SEVERITIES: readonly AlarmSeverity[] = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING'];
const SCALE_AGGREGATES = ['avg', 'max', 'sum'] as const;
const INDICATOR_AGGREGATES = ['sum', 'avg', 'max', 'min'] as const;

type Path = (string | number)[];
/** What PyYAML (YAML 1.1), so tosca-parser, reads as a float: a dot, and a sign in an exponent. */
const YAML11_FLOAT = /^[-+]?(?:\d[\d_]*\.[\d_]*|\.[\d_]+)(?:[eE][-+]\d+)?$/;

/** One Day-2 policy being read: where it is, its properties (checked against its type), its VDU targets. */
class Policy {
  readonly at: Path;
  readonly props: Obj;
  readonly base: MonitoringPolicyModel;

  constructor(
    private readonly c: VnfdContext,
    readonly name: string,
    i: number,
    readonly type: string,
    policy: Obj,
    vduIds: ReadonlySet<string>,
  ) {
    this.at = ['topology_template', 'policies', i, name];
    this.props = obj(policy['properties']);
    checkProperties(c.defs, c.file, this.at, type, this.props, c.out);
    const targets = Array.isArray(policy['targets']) ? (policy['targets'] as unknown[]) : [];
    if (targets.length === 0) c.err(this.at, `policy '${name}' (${type}) needs targets: the VDUs it watches`);
    const ids: string[] = [];
    targets.forEach((t, k) => {
      const id = str(t) ?? '';
      if (!vduIds.has(id)) c.err([...this.at, 'targets', k], `policy '${name}' targets '${id}', which is not a VDU`);
      else if (!ids.includes(id)) ids.push(id);
    });
    this.base = { id: name, vduIds: ids, pos: { file: c.file.path, ...locate(c.file.text, this.at) } };
  }

  path(prop: string): Path {
    return [...this.at, 'properties', prop];
  }

  err(prop: string | undefined, message: string, severity?: 'error' | 'warning'): void {
    this.c.err(prop === undefined ? this.at : this.path(prop), `policy '${this.name}': ${message}`, severity);
  }

  /** A scalar-unit.time property in milliseconds (its default when absent). */
  ms(prop: string, fallback: number): number {
    const v = this.props[prop];
    if (v === undefined) return fallback;
    const ms = typeof v === 'string' ? timeMs(v) : undefined;
    if (ms === undefined) this.err(prop, `${prop} must be a scalar-unit.time such as '30 s', got ${JSON.stringify(v)}`);
    return ms ?? fallback;
  }

  /**
   * A float property (undefined when absent or not a number, which is an error). A number written so that YAML 1.1
   * does not read it as a float (`100`, `1e5`, `1.0e5`) is a warning: tosca-parser, so Tacker, refuses the package.
   */
  num(prop: string): number | undefined {
    const v = this.props[prop];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.err(prop, `${prop} must be a number, got ${JSON.stringify(v)}`);
      return undefined;
    }
    const { line, column } = locate(this.c.file.text, this.path(prop));
    const text = this.c.file.text.split('\n')[line - 1]?.slice(column - 1) ?? '';
    const written = new RegExp(`^${prop}\\s*:\\s*([-+.\\d][^\\s#]*)\\s*(?:#.*)?$`).exec(text)?.[1];
    if (written !== undefined && !YAML11_FLOAT.test(written))
      this.err(
        prop,
        `write ${prop} as ${Number.isInteger(v) ? v.toFixed(1) : String(v)}: tosca-parser (so Tacker) reads ` +
          `'${written}' as ${/^[-+]?\d+$/.test(written) ? 'an integer' : 'a string'}, not a float`,
        'warning',
      );
    return v;
  }

  /** One of `values` (checkProperties reports another value against the type's valid_values). */
  oneOf<T extends string>(prop: string, values: readonly T[], fallback: T): T {
    const v = this.props[prop];
    return values.find((x) => x === v) ?? fallback;
  }
}

/** Every Day-2 policy of the flavour, checked; `vdus` and `aspects` are the flavour's. */
export function readMonitoring(
  c: VnfdContext,
  vdus: readonly VduModel[],
  aspects: readonly ScalingAspectModel[],
): MonitoringModel {
  const m: MonitoringModel = { autoHeal: [], autoScale: [], elementAlarms: [], indicators: [] };
  const vduIds = new Set(vdus.map((v) => v.id));
  const click = new ClickElements(new Map(vdus.map((v) => [v.id, v])));
  const healed = new Set<string>();
  c.policies.forEach((item, i) => {
    for (const [name, raw] of Object.entries(obj(item))) {
      const policy = obj(raw);
      const type = str(policy['type']);
      const is = (t: string): boolean => c.defs.derives(type, t);
      if (is(AUTO_HEAL_POLICY)) {
        const p = new Policy(c, name, i, AUTO_HEAL_POLICY, policy, vduIds);
        for (const id of p.base.vduIds) {
          if (healed.has(id)) p.err(undefined, `VDU '${id}' is the target of more than one ${AUTO_HEAL_POLICY} policy`);
          healed.add(id);
        }
        m.autoHeal.push(autoHeal(p));
      } else if (is(AUTO_SCALE_POLICY)) {
        const p = new Policy(c, name, i, AUTO_SCALE_POLICY, policy, vduIds);
        const scale = autoScale(p, aspects, click);
        if (scale !== undefined) m.autoScale.push(scale);
      } else if (is(ELEMENT_ALARM_POLICY)) {
        const p = new Policy(c, name, i, ELEMENT_ALARM_POLICY, policy, vduIds);
        const handler = clickHandler(p, 'handler', click, true);
        const threshold = p.num('threshold');
        if (threshold !== undefined && threshold < 0)
          p.err('threshold', `threshold must be 0 or more, got ${threshold}`);
        if (handler !== undefined && threshold !== undefined)
          m.elementAlarms.push({
            ...p.base,
            handler,
            thresholdPerSecond: threshold,
            severity: p.oneOf('severity', SEVERITIES, 'MAJOR'),
            probableCause: str(p.props['probable_cause']) ?? 'packet-loss',
          });
      } else if (is(INDICATOR_POLICY)) {
        const p = new Policy(c, name, i, INDICATOR_POLICY, policy, vduIds);
        const handler = clickHandler(p, 'handler', click, false);
        if (handler !== undefined)
          m.indicators.push({
            ...p.base,
            name: str(p.props['name']) ?? name,
            handler,
            aggregate: p.oneOf('aggregate', INDICATOR_AGGREGATES, 'sum'),
          });
      }
    }
  });
  return m;
}

function autoHeal(p: Policy): AutoHealModel {
  let causes = [...HEAL_CAUSES];
  const given = p.props['causes'];
  if (Array.isArray(given)) {
    causes = [];
    for (const v of given as unknown[]) {
      const cause = HEAL_CAUSES.find((x) => x === v);
      if (cause === undefined)
        p.err('causes', `unknown cause ${JSON.stringify(v)}: the causes are ${HEAL_CAUSES.join(', ')}`);
      else if (!causes.includes(cause)) causes.push(cause);
    }
    if (given.length === 0) p.err('causes', `causes is empty: give one or more of ${HEAL_CAUSES.join(', ')}`);
  }
  const attempts = p.props['max_attempts'];
  const maxAttempts = Number.isInteger(attempts) ? (attempts as number) : 3;
  if (maxAttempts < 1) p.err('max_attempts', `max_attempts must be 1 or more, got ${maxAttempts}`);
  return {
    ...p.base,
    causes,
    maxAttempts,
    backoffMs: p.ms('backoff', 30_000),
    windowMs: p.ms('window', 3_600_000),
  };
}

function autoScale(
  p: Policy,
  aspects: readonly ScalingAspectModel[],
  click: ClickElements,
): AutoScaleModel | undefined {
  const aspectId = str(p.props['aspect']);
  const aspect = aspects.find((a) => a.id === aspectId);
  if (aspectId !== undefined && aspect === undefined)
    p.err(
      'aspect',
      `aspect '${aspectId}' is not a scaling aspect of the flavour (no ScalingAspects policy defines it)`,
    );
  for (const id of aspect === undefined ? [] : p.base.vduIds)
    if (aspect?.vduDeltas[id] === undefined)
      p.err(
        'aspect',
        `VDU '${id}' has no VduScalingAspectDeltas for aspect '${aspect?.id ?? ''}': scaling it adds no VNFC of it`,
        'warning',
      );
  const metricText = str(p.props['metric']);
  let metric: AutoScaleModel['metric'] | undefined;
  if (metricText !== undefined && metricText.includes('.')) {
    const handler = clickHandler(p, 'metric', click, false);
    if (handler !== undefined) metric = { kind: 'handler', handler };
  } else if (metricText !== undefined) {
    const name = PORT_METRICS.find((x) => x === metricText);
    if (name === undefined)
      p.err(
        'metric',
        `unknown metric '${metricText}': give a Click handler (element.handler) or one of ${PORT_METRICS.join(', ')}`,
      );
    else metric = { kind: 'port', name };
  }
  const out = p.num('scale_out_threshold');
  const inn = p.num('scale_in_threshold');
  if (out !== undefined && inn !== undefined && inn >= out)
    p.err(
      'scale_in_threshold',
      `scale_in_threshold (${inn}) must be below scale_out_threshold (${out}), or the aspect would scale in and out ` +
        'on one value',
    );
  const cooldownMs = p.ms('cooldown', 120_000);
  if (aspectId === undefined || aspect === undefined || metric === undefined || out === undefined) return undefined;
  return {
    ...p.base,
    aspectId,
    metric,
    aggregate: p.oneOf('aggregate', SCALE_AGGREGATES, 'avg'),
    scaleOutThreshold: out,
    ...(inn !== undefined && inn < out ? { scaleInThreshold: inn } : {}),
    cooldownMs,
  };
}

/**
 * The policy's Click handler property, checked: of the form element.handler (`*` as the element only where
 * `wildcard`), the element in a targeted VDU's Click configuration, its class with the handler (a warning).
 */
function clickHandler(p: Policy, prop: string, click: ClickElements, wildcard: boolean): ClickHandlerRef | undefined {
  const text = str(p.props[prop]);
  if (text === undefined) return undefined;
  const ref = parseHandler(text);
  if (ref === undefined) {
    p.err(prop, `'${text}' is not a Click handler of the form element.handler (e.g. c_in0.count)`);
    return undefined;
  }
  if (ref.element === '*' && !wildcard) {
    p.err(prop, `'${text}': '*' (every element) is for ${ELEMENT_ALARM_POLICY} only; name one element`);
    return undefined;
  }
  const targets = p.base.vduIds.map((id) => `'${id}'`).join(', ');
  const problem = p.base.vduIds.length === 0 ? undefined : click.check(ref, p.base.vduIds);
  if (problem?.kind === 'no-config')
    p.err(prop, `'${text}' names a Click handler, but no VDU it targets (${targets}) has a Click configuration`);
  else if (problem?.kind === 'no-element')
    p.err(prop, `element '${ref.element}' is in no Click configuration of the VDUs it targets (${targets})`);
  else if (problem?.kind === 'no-handler')
    p.err(prop, `element '${ref.element}' (${problem.classes.join(', ')}) has no handler '${ref.handler}'`, 'warning');
  else if (problem?.kind === 'nothing-has-it')
    p.err(prop, `no element of the targeted VDUs' Click configurations has a handler '${ref.handler}'`, 'warning');
  return problem === undefined || problem.kind === 'no-handler' || problem.kind === 'nothing-has-it' ? ref : undefined;
}
