import { countingHandlers } from '../click';
import type { ClickChecker, VnfHeader } from './click-facade';

/** Packets per second each emulated data port carries while Click runs. */
export const BASE_PPS = 50_000;
export const PACKET_BYTES = 512;
/** A Queue's capacity when its configuration names none (Click's default). */
const QUEUE_CAPACITY = 1000;

/**
 * Packets dropped at an element from `since` to now (injected drops; 0 without a fault), and whether it is
 * dropping now.
 */
export type DropMeter = (element: string, since: number) => { packets: number; active: boolean };

type HandlerAnswer = { code: 200 | 510 | 511 | 520; body: string };

interface RouterElement {
  name: string;
  class: string;
  /** packets per second through it (0 for elements that carry no simulated traffic) */
  pps: number;
  kind: ElementKind;
  /** packets already counted when `reset` was last written */
  offset: number;
  /** a queue's capacity (its configuration's first argument, else 1000) */
  capacity: number;
}

export type ElementKind = 'counter' | 'input' | 'output' | 'queue' | 'other';

function kindOf(cls: string): ElementKind {
  if (/^(Average)?Counter$/.test(cls)) return 'counter';
  if (/^(FromDPDKDevice|FromDevice|PollDevice)$/.test(cls)) return 'input';
  if (/^(ToDPDKDevice|ToDevice)$/.test(cls)) return 'output';
  if (/^(Simple|ThreadSafe|FrontDrop|Notifier)?Queue$/.test(cls)) return 'queue';
  return 'other';
}

/** `Queue(2048)`, `Queue(CAPACITY 512)`: the capacity; Click's default 1000 otherwise. */
function capacityOf(config: string | undefined): number {
  const first =
    (config ?? '')
      .split(',')[0]
      ?.trim()
      .replace(/^CAPACITY\s+/, '') ?? '';
  const n = Number(first);
  return first !== '' && Number.isInteger(n) && n >= 0 ? n : QUEUE_CAPACITY;
}

/**
 * One installed router: its configuration, its elements and when it was installed (its counters
 * count from then; a hot swap installs a new router in the same process, as Click does).
 */
class Router {
  readonly elements = new Map<string, RouterElement>();

  constructor(
    readonly config: string,
    readonly installedAt: number,
    readonly header: VnfHeader | undefined,
    elements: Array<{ name: string; class: string; config?: string }>,
  ) {
    elements.forEach((e, i) => {
      const kind = kindOf(e.class);
      // NOTE: deterministic rates (no randomness): tests can compute what a counter must read
      const pps =
        kind === 'counter' ? BASE_PPS * (1 + (i % 3)) * 0.5 : kind === 'input' || kind === 'output' ? BASE_PPS : 0;
      const capacity = kind === 'queue' ? capacityOf(e.config) : 0;
      this.elements.set(e.name, { name: e.name, class: e.class, pps, kind, offset: 0, capacity });
    });
  }
}

/**
 * A simulated Click process inside the emulated VM: it runs a configuration that passes the
 * checker, exits at once with Click-style errors otherwise, and makes its Counter and device
 * handlers move with simulated traffic.
 */
export class ClickProcess {
  readonly startedAt: number;
  /** False while Click is still starting (see `starting`), and after it exited or was stopped. */
  running = false;
  /** What Click wrote to its error log (`/click_errors.txt`); empty while it starts. */
  errors = '';
  /** Started, not yet initialized: the router is still being read (EmulatedVmOptions.clickStartDelayMs). */
  starting = true;
  private router: Router | undefined;

  private constructor(
    readonly pid: number,
    readonly file: string,
    private readonly now: () => number,
    private readonly check: ClickChecker,
    private readonly drops: DropMeter = () => ({ packets: 0, active: false }),
  ) {
    this.startedAt = now();
  }

  /**
   * Initializes the router: Click runs when the check passes, else exits with Click-style errors; `failure`: it
   * exits with that error whatever the config (e.g. its ControlSocket port still bound).
   */
  initialize(config: string, failure?: string): void {
    this.starting = false;
    if (failure !== undefined) {
      this.running = false;
      this.errors = `${failure}\nRouter could not be initialized!\n`;
      return;
    }
    const r = this.check(config, this.file);
    if (!r.ok) {
      this.running = false;
      this.errors = [...r.messages, 'Router could not be initialized!'].join('\n') + '\n';
      return;
    }
    this.running = true;
    this.errors = '';
    this.router = new Router(config, this.startedAt, r.header, r.elements ?? []);
  }

  /** Starts Click on a configuration (the check decides whether it keeps running). */
  static start(config: string, file: string, now: () => number, pid: number, check: ClickChecker): ClickProcess {
    const p = new ClickProcess(pid, file, now, check);
    p.initialize(config);
    return p;
  }

  /**
   * Starts Click that has not read its configuration yet: `initialize(config)` decides later. `drops`
   * tells how many packets an element dropped (injected faults; none by default).
   */
  static launch(file: string, now: () => number, pid: number, check: ClickChecker, drops?: DropMeter): ClickProcess {
    return new ClickProcess(pid, file, now, check, drops);
  }

  /** The running router's VNF header (what `vnf_identification` answers). */
  get header(): VnfHeader | undefined {
    return this.running ? this.router?.header : undefined;
  }

  get config(): string {
    return this.router?.config ?? '';
  }

  /** Installs a new router in this process (`hotconfig`); on errors the old router keeps running. */
  hotswap(config: string): { ok: true } | { ok: false; errors: string } {
    const r = this.check(config, this.file);
    if (!r.ok) return { ok: false, errors: r.messages.join('\n') };
    this.router = new Router(config, this.now(), r.header, r.elements ?? []);
    return { ok: true };
  }

  private packets(e: RouterElement): number {
    const since = this.router?.installedAt ?? this.now();
    return Math.floor((e.pps * Math.max(0, this.now() - since)) / 1000);
  }

  private dropped(e: RouterElement): { packets: number; active: boolean } {
    return this.drops(e.name, this.router?.installedAt ?? this.now());
  }

  /** Total packets and bytes received / sent on the data ports so far. */
  traffic(): { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number } {
    let rx = 0;
    let tx = 0;
    if (this.running && this.router !== undefined) {
      for (const e of this.router.elements.values()) {
        if (e.kind === 'input') rx += this.packets(e);
        if (e.kind === 'output') tx += this.packets(e);
      }
    }
    return { rxPackets: rx, txPackets: tx, rxBytes: rx * PACKET_BYTES, txBytes: tx * PACKET_BYTES };
  }

  /** The kind of a running router's element (undefined when Click does not run or has no such element). */
  kindOf(element: string): ElementKind | undefined {
    return this.running ? this.router?.elements.get(element)?.kind : undefined;
  }

  /** Where drops go when a fault names no element: the first output device, else input device, else queue. */
  defaultDropElement(): string | undefined {
    const all = [...(this.running ? (this.router?.elements.values() ?? []) : [])];
    for (const kind of ['output', 'input', 'queue'] as const) {
      const e = all.find((x) => x.kind === kind && this.dropHandler(x.name) !== undefined);
      if (e !== undefined) return e.name;
    }
    return undefined;
  }

  /** The handler an element's drops show in (ToDPDKDevice dropped, FromDPDKDevice hw_dropped, a queue drops). */
  dropHandler(element: string): string | undefined {
    const e = this.router?.elements.get(element);
    if (e === undefined) return undefined;
    return e.kind === 'queue' ? 'drops' : countingHandlers(e.class).port?.dropped;
  }

  /** Every element, in configuration order (the global `list` handler). */
  elementNames(): string[] {
    return [...(this.router?.elements.keys() ?? [])];
  }

  private handlersOf(e: RouterElement): string[] {
    const common = ['name', 'class', 'handlers'];
    if (e.kind === 'counter') return [...common, 'count', 'byte_count', 'rate', 'bit_rate', 'byte_rate', 'reset'];
    if (e.kind === 'input' || e.kind === 'output') return [...common, ...countingHandlers(e.class).read];
    if (e.kind === 'queue') return [...common, 'length', 'highwater_length', 'capacity', 'drops'];
    return common;
  }

  /** Reads `element.handler` like Click: no element -> 510, no such read handler -> 511. */
  readHandler(element: string, handler: string): HandlerAnswer {
    const e = this.router?.elements.get(element);
    if (e === undefined) return { code: 510, body: `No element named '${element}'` };
    const count = this.packets(e) - e.offset;
    const values: Record<string, string | undefined> = {
      name: e.name,
      class: e.class,
      handlers: this.handlersOf(e).join('\n'),
    };
    if (e.kind === 'counter') {
      Object.assign(values, {
        count: String(count),
        byte_count: String(count * PACKET_BYTES),
        rate: e.pps.toFixed(0),
        bit_rate: (e.pps * PACKET_BYTES * 8).toFixed(0),
        byte_rate: (e.pps * PACKET_BYTES).toFixed(0),
      });
    } else if (e.kind === 'input' || e.kind === 'output') {
      // Click's names for the class (FromDPDKDevice: hw_bytes, hw_dropped; ToDevice: none at all)
      const port = countingHandlers(e.class);
      const all: Record<string, string> = {
        count: String(count),
        hw_count: String(count),
        hw_bytes: String(count * PACKET_BYTES),
      };
      if (port.port?.dropped !== undefined) all[port.port.dropped] = String(this.dropped(e).packets);
      for (const h of port.read) values[h] = all[h];
    } else if (e.kind === 'queue') {
      // an empty queue, unless it drops (an injected fault): then it is full, which is why it drops
      const drops = this.dropped(e);
      Object.assign(values, {
        length: String(drops.active ? e.capacity : 0),
        highwater_length: String(drops.packets > 0 ? e.capacity : 0),
        capacity: String(e.capacity),
        drops: String(drops.packets),
      });
    }
    const v = values[handler];
    return v === undefined ? { code: 511, body: `No read handler '${element}.${handler}'` } : { code: 200, body: v };
  }

  /** `WRITE c.reset`: a Counter starts again from zero. */
  writeHandler(element: string, handler: string): HandlerAnswer {
    const e = this.router?.elements.get(element);
    if (e === undefined) return { code: 510, body: `No element named '${element}'` };
    if (e.kind !== 'counter' || (handler !== 'reset' && handler !== 'reset_counts'))
      return { code: 511, body: `No write handler '${element}.${handler}'` };
    e.offset = this.packets(e);
    return { code: 200, body: `Write handler '${element}.${handler}' OK` };
  }
}
