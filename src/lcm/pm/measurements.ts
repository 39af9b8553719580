/**
 * The measurements this VNFM takes, by name (ETSI GS NFV-IFA 027 names where one fits), their groups, and their
 * values: of one collection window of a VNFC (PM reports) or of one monitor sample (thresholds).
 * @see docs/performance-management.md
 */
import { checkClick, countingHandlers } from '../../click';
import type { VnfcSample } from '../../ports/monitoring';
import type { WindowAccumulator } from '../../ports/pm';
import type { VnfdModel } from '../../tosca';

/** One measurement: a VNFC's CPU or memory, a counter or rate of each of its ports, or a Click handler. */
export type Measure =
  | { kind: 'compute'; of: 'cpu' | 'mem'; peak: boolean }
  | { kind: 'port'; column: 1 | 2 | 3 | 4; rate: boolean }
  | { kind: 'element'; element: string; handler: string };

/** A Click element handler's measurement name: `ClickElement.<element>.<handler>`. */
export const CLICK_ELEMENT_PREFIX = 'ClickElement.';

const PORT_COLUMNS = { PacketIncoming: 1, PacketOutgoing: 2, ByteIncoming: 3, ByteOutgoing: 4 } as const;

/** The measurements by name, but for the Click handlers (ClickElement.<element>.<handler>). */
export const FIXED_MEASURES: ReadonlyMap<string, Measure> = new Map<string, Measure>([
  ['VCpuUsageMeanVnf', { kind: 'compute', of: 'cpu', peak: false }],
  ['VCpuUsagePeakVnf', { kind: 'compute', of: 'cpu', peak: true }],
  ['VMemoryUsageMeanVnf', { kind: 'compute', of: 'mem', peak: false }],
  ['VMemoryUsagePeakVnf', { kind: 'compute', of: 'mem', peak: true }],
  ...Object.entries(PORT_COLUMNS).flatMap(([what, column]): Array<[string, Measure]> => [
    [`${what}VnfExtCp`, { kind: 'port', column, rate: false }],
    [`${what}RateVnfExtCp`, { kind: 'port', column, rate: true }],
  ]),
]);

/** The groups (performanceMetricGroup): the fixed measurements of each, and every Click handler a VNFC reports. */
export const METRIC_GROUPS: ReadonlyMap<string, readonly string[]> = new Map([
  ['VirtualisedComputeResource', [...FIXED_MEASURES].filter(([, m]) => m.kind === 'compute').map(([n]) => n)],
  ['VnfExternalCp', [...FIXED_MEASURES].filter(([, m]) => m.kind === 'port').map(([n]) => n)],
  ['ClickElements', []],
]);

/** The measurement a name stands for (undefined: not one of ours). */
export function measureOf(name: string): Measure | undefined {
  const fixed = FIXED_MEASURES.get(name);
  if (fixed !== undefined) return fixed;
  if (!name.startsWith(CLICK_ELEMENT_PREFIX)) return undefined;
  const rest = name.slice(CLICK_ELEMENT_PREFIX.length);
  const dot = rest.lastIndexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return undefined;
  return { kind: 'element', element: rest.slice(0, dot), handler: rest.slice(dot + 1) };
}

/** One value: of the VNFC, or of one of its ports. */
export interface Measured {
  value: number;
  port?: string;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** Per port, the counter and its growth per second from `base` to `last` (a counter that went back: none). */
function portValues(column: 1 | 2 | 3 | 4, rate: boolean, last: VnfcSample, base: VnfcSample | undefined): Measured[] {
  const out: Measured[] = [];
  for (const p of last.ports ?? []) {
    const [port, value] = [p[0], p[column]];
    if (!rate) {
      out.push({ value, port });
      continue;
    }
    const before = base?.ports?.find((b) => b[0] === port)?.[column];
    if (base === undefined || before === undefined || last.t <= base.t || value < before) continue;
    out.push({ value: round(((value - before) * 1000) / (last.t - base.t)), port });
  }
  return out;
}

function elementValue(m: { element: string; handler: string }, s: VnfcSample): Measured[] {
  const hit = s.el?.find(([e, h]) => e === m.element && h === m.handler);
  return hit === undefined ? [] : [{ value: hit[2] }];
}

/** The values of a measurement in one collection window of a VNFC (counters as the window's newest sample read). */
export function windowValues(m: Measure, acc: WindowAccumulator): Measured[] {
  if (m.kind === 'compute') {
    if (acc.n === 0) return [];
    const [sum, max] = m.of === 'cpu' ? [acc.cpuSum, acc.cpuMax] : [acc.memSum, acc.memMax];
    return [{ value: m.peak ? max : round(sum / acc.n) }];
  }
  if (m.kind === 'port') return portValues(m.column, m.rate, acc.last, acc.base);
  return elementValue(m, acc.last);
}

/** The values of a measurement in one sample (thresholds): rates since `previous`. */
export function sampleValues(m: Measure, s: VnfcSample, previous: VnfcSample | undefined): Measured[] {
  if (m.kind === 'compute') {
    const v = m.of === 'cpu' ? s.cpu : s.mem;
    return v === undefined ? [] : [{ value: v }];
  }
  if (m.kind === 'port') return portValues(m.column, m.rate, s, previous);
  return elementValue(m, s);
}

/** Every Click handler measurement a sample has values of (the group ClickElements). */
export function elementNames(s: VnfcSample): string[] {
  return (s.el ?? []).map(([e, h]) => `${CLICK_ELEMENT_PREFIX}${e}.${h}`);
}

/**
 * The handlers the agents read of each Click element class (src/agent, osv-controlsocket dialect): what a VNFD's
 * Click configuration declares by naming an element of the class. The click-plugin dialect reports none.
 */
const handlersOf = (className: string): readonly string[] => countingHandlers(className).read;

const declaredCache = new WeakMap<VnfdModel, ReadonlySet<string>>();

/** The ClickElement measurements the VNFD's Click configurations declare (every flavour, every VDU). */
export function declaredElementMeasures(model: VnfdModel): ReadonlySet<string> {
  const cached = declaredCache.get(model);
  if (cached !== undefined) return cached;
  const out = new Set<string>();
  for (const vdu of [...model.vdus, ...model.flavours.flatMap((f) => f.vdus)]) {
    if (vdu.clickConfig === undefined || vdu.management.dialect !== 'osv-controlsocket') continue;
    const graph = checkClick(vdu.clickConfig.text, { file: vdu.clickConfig.path, warnings: false }).graph;
    for (const e of graph?.elements.values() ?? [])
      for (const h of handlersOf(e.className)) out.add(`${CLICK_ELEMENT_PREFIX}${e.name}.${h}`);
  }
  declaredCache.set(model, out);
  return out;
}
