import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One look at a VNFC as the monitor stored it (GET .../vnfcs/{id}/samples); the counters are cumulative. */
export interface StoredSample {
  t: number;
  vm: string;
  api: boolean;
  nf: boolean;
  cpu?: number;
  mem?: number;
  /** Per port: [name, rxPackets, txPackets, rxBytes, txBytes]. */
  ports?: Array<[string, number, number, number, number]>;
  /** Per element handler: [element, handler, value]. */
  el?: Array<[string, string, number]>;
}

type Point = number | null;

/** What the charts draw: per sample, CPU and memory, packets/s each way, and each element counter's rate. */
export interface Series {
  t: number[];
  cpu: Point[];
  mem: Point[];
  rx: Point[];
  tx: Point[];
  counters: Map<string, Point[]>;
  /** Some sample counts packets (click-plugin's metrics have none: Net RX/TX as a percentage only). */
  hasPackets: boolean;
}

/** The packets of every port one way (1: received, 2: sent); undefined when the sample has no port counters. */
function packets(s: StoredSample | undefined, way: 1 | 2): number | undefined {
  if (s?.ports === undefined || s.ports.length === 0) return undefined;
  return s.ports.reduce((a, p) => a + p[way], 0);
}

const counts = (s: StoredSample): boolean => (s.ports ?? []).some((p) => p[1] > 0 || p[2] > 0);

function counter(s: StoredSample | undefined, key: string): number | undefined {
  return s?.el?.find(([e, h]) => `${e}.${h}` === key)?.[2];
}

/** A cumulative counter's growth per second; null where it cannot be told (no counter, or it went back: a restart). */
function rate(prev: number | undefined, cur: number | undefined, dtMs: number): Point {
  if (prev === undefined || cur === undefined || dtMs <= 0 || cur < prev) return null;
  return ((cur - prev) * 1000) / dtMs;
}

/** The series of stored samples (oldest first): rates from each sample and the one before it (null for the first). */
export function seriesOf(samples: StoredSample[], maxCounters = 6): Series {
  const newest = samples[samples.length - 1];
  const keys = (newest?.el ?? []).slice(0, maxCounters).map(([e, h]) => `${e}.${h}`);
  const hasPackets = samples.some(counts);
  const s: Series = {
    t: [],
    cpu: [],
    mem: [],
    rx: [],
    tx: [],
    counters: new Map(keys.map((k) => [k, []])),
    hasPackets,
  };
  samples.forEach((cur, i) => {
    const prev = samples[i - 1];
    const dt = prev === undefined ? 0 : cur.t - prev.t;
    s.t.push(cur.t / 1000);
    s.cpu.push(cur.cpu ?? null);
    s.mem.push(cur.mem ?? null);
    s.rx.push(hasPackets ? rate(packets(prev, 1), packets(cur, 1), dt) : null);
    s.tx.push(hasPackets ? rate(packets(prev, 2), packets(cur, 2), dt) : null);
    for (const [k, a] of s.counters) a.push(rate(counter(prev, k), counter(cur, k), dt));
  });
  return s;
}

const COLORS = ['#e36209', '#28a745', '#6f42c1', '#d73a49', '#005cc5', '#6a737d'];

function options(title: string, series: uPlot.Series[]): uPlot.Options {
  return { title, width: 420, height: 180, series: [{}, ...series], axes: [{}, { size: 80 }] };
}

/**
 * The charts of one VNFC, drawn from its stored samples: CPU and memory, packets/s RX/TX (all ports), and the
 * Click element counters' rates where the dialect has them (osv-controlsocket). `show` draws a new series.
 */
export class VnfcCharts {
  private readonly load: uPlot;
  private readonly net: uPlot;
  private counterPlot: { plot: uPlot; host: HTMLElement; keys: string } | undefined;
  private readonly note: HTMLElement;

  constructor(private readonly root: HTMLElement) {
    this.load = new uPlot(
      options('CPU and memory (%)', [
        { label: 'CPU %', stroke: '#d73a49' },
        { label: 'Memory %', stroke: '#005cc5' },
      ]),
      [[], [], []],
      this.div('chart-load'),
    );
    this.net = new uPlot(
      options('Packets/s RX / TX', [
        { label: 'RX', stroke: '#28a745' },
        { label: 'TX', stroke: '#6f42c1' },
      ]),
      [[], [], []],
      this.div('chart-net'),
    );
    this.note = document.createElement('p');
    this.note.className = 'note';
    this.root.prepend(this.note);
  }

  private div(cls: string): HTMLElement {
    const d = document.createElement('div');
    d.className = `chart ${cls}`;
    this.root.appendChild(d);
    return d;
  }

  show(samples: StoredSample[]): void {
    const s = seriesOf(samples);
    this.load.setData([s.t, s.cpu, s.mem]);
    this.net.setData([s.t, s.rx, s.tx]);
    this.note.textContent =
      samples.length > 0 && !s.hasPackets ? "no packet counters in this VNFC's metrics (its dialect reports none)" : '';
    const keys = [...s.counters.keys()];
    if (this.counterPlot !== undefined && this.counterPlot.keys !== keys.join('\n')) {
      // another configuration, other counters: a new chart
      this.counterPlot.plot.destroy();
      this.counterPlot.host.remove();
      this.counterPlot = undefined;
    }
    if (this.counterPlot !== undefined) this.counterPlot.plot.setData([s.t, ...s.counters.values()]);
    else if (keys.length > 0) {
      const series = keys.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length] as string }));
      const host = this.div('chart-counters');
      const plot = new uPlot(options('Click element counters (/s)', series), [s.t, ...s.counters.values()], host);
      this.counterPlot = { plot, host, keys: keys.join('\n') };
    }
    // what the newest sample plotted (tests see the charts move through it)
    const last = <T>(a: T[]): T | undefined => a[a.length - 1];
    this.root.dataset['samples'] = String(samples.length);
    this.root.dataset['lastT'] = String(last(samples)?.t ?? '');
    this.root.dataset['lastValues'] = JSON.stringify([
      last(s.cpu) ?? null,
      last(s.mem) ?? null,
      last(s.rx) ?? null,
      last(s.tx) ?? null,
      ...[...s.counters.values()].map((a) => last(a) ?? null),
    ]);
  }
}
