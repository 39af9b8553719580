import { checkClick, exportGraph, formatDiagnosticForClick, type VnfHeader } from './click-facade';

/** Packets per second each emulated data port carries while Click runs. */
const BASE_PPS = 50_000;
const PACKET_BYTES = 512;

/**
 * A simulated Click process inside the emulated VM: it "runs" a configuration that passes the Click
 * toolkit's checks, exits at once with Click-style errors otherwise, and makes its Counter and device
 * handlers move with simulated traffic.
 */
export class ClickProcess {
  readonly pid: number;
  readonly startedAt: number;
  private readonly counters: Map<string, { pps: number; offset: number }>;
  private readonly devices: Map<string, { pps: number; input: boolean }>;
  readonly header: VnfHeader | undefined;
  running = true;
  errors = '';

  private constructor(
    readonly config: string,
    readonly file: string,
    private readonly now: () => number,
    pid: number,
    result: ReturnType<typeof checkClick>,
  ) {
    this.pid = pid;
    this.startedAt = now();
    this.counters = new Map();
    this.devices = new Map();
    this.header = result.header;
    if (!result.ok || result.graph === undefined) {
      this.running = false;
      this.errors = result.diagnostics
        .filter((d) => d.severity === 'error')
        .map(formatDiagnosticForClick)
        .concat(['Router could not be initialized!'])
        .join('\n');
      return;
    }
    let i = 0;
    for (const n of exportGraph(result.graph).nodes) {
      i += 1;
      if (n.class === 'Counter' || n.class === 'AverageCounter') this.counters.set(n.name, { pps: BASE_PPS * (1 + (i % 3)) * 0.5, offset: 0 });
      if (/^(From|To)(DPDK)?Device$|^PollDevice$/.test(n.class)) this.devices.set(n.name, { pps: BASE_PPS, input: n.class.startsWith('From') || n.class === 'PollDevice' });
    }
  }

  /** Starts Click on a configuration (the check decides whether it keeps running). */
  static start(config: string, file: string, now: () => number, pid: number): ClickProcess {
    return new ClickProcess(config, file, now, pid, checkClick(config, { file, warnings: false }));
  }

  private elapsedSeconds(): number {
    return Math.max(0, (this.now() - this.startedAt) / 1000);
  }

  /** Total bytes received / sent on the data ports so far. */
  traffic(): { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number } {
    if (!this.running) return { rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 };
    const t = this.elapsedSeconds();
    let rx = 0;
    let tx = 0;
    for (const d of this.devices.values()) {
      if (d.input) rx += d.pps * t;
      else tx += d.pps * t;
    }
    return { rxPackets: Math.floor(rx), txPackets: Math.floor(tx), rxBytes: Math.floor(rx) * PACKET_BYTES, txBytes: Math.floor(tx) * PACKET_BYTES };
  }

  elementNames(): string[] {
    return [...this.counters.keys(), ...this.devices.keys()];
  }

  /**
   * Reads `element.handler` like Click: undefined element -> 510, undefined handler -> 511.
   */
  readHandler(element: string, handler: string): { code: 200 | 510 | 511; body: string } {
    const t = this.elapsedSeconds();
    const c = this.counters.get(element);
    if (c !== undefined) {
      const count = Math.floor(c.pps * t) - c.offset;
      switch (handler) {
        case 'count':
          return { code: 200, body: String(count) };
        case 'byte_count':
          return { code: 200, body: String(count * PACKET_BYTES) };
        case 'rate':
          return { code: 200, body: c.pps.toFixed(0) };
        case 'bit_rate':
          return { code: 200, body: (c.pps * PACKET_BYTES * 8).toFixed(0) };
        case 'byte_rate':
          return { code: 200, body: (c.pps * PACKET_BYTES).toFixed(0) };
        default:
          return { code: 511, body: `No handler named '${element}.${handler}'` };
      }
    }
    const d = this.devices.get(element);
    if (d !== undefined) {
      const count = Math.floor(d.pps * t);
      if (handler === 'count') return { code: 200, body: String(count) };
      if (handler === 'in_bytes' || handler === 'out_bytes') return { code: 200, body: String(count * PACKET_BYTES) };
      if (handler === 'dropped' || handler === 'drops') return { code: 200, body: '0' };
      return { code: 511, body: `No handler named '${element}.${handler}'` };
    }
    return { code: 510, body: `No element named '${element}'` };
  }

  /** `WRITE c.reset`: Counter reset. */
  writeHandler(element: string, handler: string): { code: 200 | 510 | 511; body: string } {
    const c = this.counters.get(element);
    if (c === undefined) return { code: 510, body: `No element named '${element}'` };
    if (handler !== 'reset' && handler !== 'reset_counts') return { code: 511, body: `No handler named '${element}.${handler}'` };
    c.offset = Math.floor(c.pps * this.elapsedSeconds());
    return { code: 200, body: `Write handler '${element}.${handler}' OK` };
  }
}
