import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Sample {
  timeMs: number;
  cpuPercent: number;
  memoryPercent: number;
  ports: Array<{ name?: string; rxRate?: number; txRate?: number; rxPercent?: number; txPercent?: number }>;
  elements: Array<{ element: string; handler: string; value: number }>;
}

/** Live charts of one VNFC: CPU and memory, Net RX/TX, and the Click element counters; keeps the last 120 samples. */
export class VnfcCharts {
  private readonly t: number[] = [];
  private readonly cpu: number[] = [];
  private readonly mem: number[] = [];
  private readonly rx: number[] = [];
  private readonly tx: number[] = [];
  private readonly counters = new Map<string, number[]>();
  private readonly load: uPlot;
  private readonly net: uPlot;
  private counterPlot: uPlot | undefined;
  samples = 0;

  constructor(private readonly root: HTMLElement) {
    const opts = (title: string, series: uPlot.Series[]): uPlot.Options => ({
      title,
      width: 420,
      height: 180,
      series: [{}, ...series],
      axes: [{}, { size: 60 }],
    });
    this.load = new uPlot(
      opts('CPU and memory (%)', [
        { label: 'CPU %', stroke: '#d73a49' },
        { label: 'Memory %', stroke: '#005cc5' },
      ]),
      [[], [], []],
      this.div('chart-load'),
    );
    this.net = new uPlot(
      opts('Net RX / TX (bytes/s)', [
        { label: 'RX', stroke: '#28a745' },
        { label: 'TX', stroke: '#6f42c1' },
      ]),
      [[], [], []],
      this.div('chart-net'),
    );
  }

  private div(cls: string): HTMLElement {
    const d = document.createElement('div');
    d.className = `chart ${cls}`;
    this.root.appendChild(d);
    return d;
  }

  add(s: Sample): void {
    this.samples++;
    const keep = <T>(a: T[], v: T): void => {
      a.push(v);
      if (a.length > 120) a.shift();
    };
    keep(this.t, s.timeMs / 1000);
    keep(this.cpu, s.cpuPercent);
    keep(this.mem, s.memoryPercent);
    keep(
      this.rx,
      s.ports.reduce((a, p) => a + (p.rxRate ?? p.rxPercent ?? 0), 0),
    );
    keep(
      this.tx,
      s.ports.reduce((a, p) => a + (p.txRate ?? p.txPercent ?? 0), 0),
    );
    this.load.setData([this.t, this.cpu, this.mem]);
    this.net.setData([this.t, this.rx, this.tx]);
    for (const c of s.elements.slice(0, 6)) {
      const key = `${c.element}.${c.handler}`;
      const arr = this.counters.get(key) ?? new Array<number>(this.t.length - 1).fill(NaN);
      keep(arr, c.value);
      this.counters.set(key, arr);
    }
    if (this.counters.size > 0) {
      if (!this.counterPlot) {
        const series = [...this.counters.keys()].map((k, i) => ({
          label: k,
          stroke: ['#e36209', '#28a745', '#6f42c1', '#d73a49', '#005cc5', '#6a737d'][i % 6] as string,
        }));
        this.counterPlot = new uPlot(
          {
            title: 'Click element counters',
            width: 420,
            height: 180,
            series: [{}, ...series],
            axes: [{}, { size: 60 }],
          },
          [this.t, ...this.counters.values()],
          this.div('chart-counters'),
        );
      } else this.counterPlot.setData([this.t, ...this.counters.values()]);
    }
    this.root.dataset['samples'] = String(this.samples);
    this.root.dataset['lastCpu'] = String(s.cpuPercent);
    // what the last sample plotted (tests see the chart move through it)
    this.root.dataset['lastValues'] = JSON.stringify([
      s.cpuPercent,
      s.memoryPercent,
      this.rx[this.rx.length - 1],
      this.tx[this.tx.length - 1],
      ...s.elements.slice(0, 6).map((c) => c.value),
    ]);
  }
}
