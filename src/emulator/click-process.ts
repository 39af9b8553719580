import { countingHandlers } from '../click';
import type { ClickChecker, VnfHeader } from './click-facade';
import { elementHandlers, handlersText } from './click-handlers';

/** Packets per second each emulated data port carries while Click runs. */
export const BASE_PPS = 50_000;
export const PACKET_BYTES = 512;
/** Errors Click's lexer reports while it reads a configuration (it stops there, before initializing the router). */
const PARSE_ERROR = /unknown element class|syntax error|undeclared|redeclaration|unbalanced|expected/;
/** A Queue's capacity when its configuration names none (Click's default). */
const QUEUE_CAPACITY = 1000;

/**
 * Packets dropped at an element from `since` to now (injected drops; 0 without a fault), and whether it is
 * dropping now.
 */
export type DropMeter = (element: string, since: number) => { packets: number; active: boolean };

type HandlerAnswer = { code: 200 | 510 | 511 | 520 | 530; body: string };

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
  /** its configuration string (the `config` handler) */
  config: string;
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
    elements.forEach((x, i) => {
      // Click names an anonymous element after its class and its position in the configuration: Discard@3
      const e = /^[A-Za-z_][\w]*@\d+$/.test(x.name) ? { ...x, name: `${x.class}@${i + 1}` } : x;
      const kind = kindOf(e.class);
      // NOTE: deterministic rates (no randomness): tests can compute what a counter must read
      const pps =
        kind === 'counter' ? BASE_PPS * (1 + (i % 3)) * 0.5 : kind === 'input' || kind === 'output' ? BASE_PPS : 0;
      const capacity = kind === 'queue' ? capacityOf(e.config) : 0;
      this.elements.set(e.name, {
        name: e.name,
        class: e.class,
        pps,
        kind,
        offset: 0,
        capacity,
        config: e.config ?? '',
      });
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
  /**
   * Upstream Click (OSv's launcher) stops at a parse error without `Router could not be initialized!` (that line
   * follows errors of the router's initialization only); the 2017 plugin's Click adds it always.
   */
  parseErrorsAbort = false;
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
      const parseOnly = this.parseErrorsAbort && r.messages.every((m) => PARSE_ERROR.test(m));
      this.errors = [...r.messages, ...(parseOnly ? [] : ['Router could not be initialized!'])].join('\n') + '\n';
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
    // Click reads a hot configuration as an expression: its errors' landmark is `config:LINE:`
    const r = this.check(config, 'config');
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

  /** An element's handler and its flags (`r`, `w`...): 510 without the element, 511 without the handler. */
  private handler(element: string, handler: string): { e: RouterElement; flags: string } | HandlerAnswer {
    const e = this.router?.elements.get(element);
    if (e === undefined) return { code: 510, body: `No element named '${element}'` };
    const spec = elementHandlers(e.class, e.kind).find(([n]) => n === handler);
    if (spec === undefined) return { code: 511, body: `No handler named '${element}.${handler}'` };
    return { e, flags: spec[1] };
  }

  /** CHECKREAD / CHECKWRITE: whether the handler exists (510, 511) and can be read or written. */
  checkHandler(element: string, handler: string, write: boolean): HandlerAnswer {
    const h = this.handler(element, handler);
    if ('code' in h) return h;
    const name = `${element}.${handler}`;
    if (h.flags.includes(write ? 'w' : 'r'))
      return { code: 200, body: `${write ? 'Write' : 'Read'} handler '${name}' OK` };
    return { code: 511, body: `Handler '${name}' not ${write ? 'writable' : 'readable'}` };
  }

  /**
   * Reads `element.handler` like Click: no element -> 510, no such handler -> 511, a write-only one -> 530; the data
   * as Click's handler returns it (no newline added).
   */
  readHandler(element: string, handler: string): HandlerAnswer {
    const h = this.handler(element, handler);
    if ('code' in h) return h;
    if (!h.flags.includes('r')) return { code: 530, body: `Handler '${element}.${handler}' write-only` };
    const e = h.e;
    const count = this.packets(e) - e.offset;
    const values: Record<string, string | undefined> = {
      name: e.name,
      class: e.class,
      config: e.config,
      ports: '',
      handlers: handlersText(elementHandlers(e.class, e.kind)),
    };
    if (e.kind === 'counter') {
      Object.assign(values, {
        count: String(count),
        byte_count: String(count * PACKET_BYTES),
        // Click's rates are moving averages, printed as reals (a shade under the steady rate)
        rate: ewma(e.pps),
        bit_rate: ewma(e.pps * PACKET_BYTES * 8),
        byte_rate: ewma(e.pps * PACKET_BYTES),
        count_call: '',
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
      for (const r of port.read) values[r] = all[r];
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
    return { code: 200, body: values[handler] ?? '' };
  }

  /** Writes `element.handler`: a Counter's `reset` starts it again from zero; a read-only handler -> 530. */
  writeHandler(element: string, handler: string): HandlerAnswer {
    const h = this.handler(element, handler);
    if ('code' in h) return h;
    if (!h.flags.includes('w')) return { code: 530, body: `Handler '${element}.${handler}' read-only` };
    if (handler === 'reset' || handler === 'reset_counts') h.e.offset = this.packets(h.e);
    return { code: 200, body: `Write handler '${element}.${handler}' OK` };
  }
}

/** A rate as Click prints a moving average: a real a shade under the steady rate (e.g. 24987.5). */
function ewma(perSecond: number): string {
  return perSecond === 0 ? '0' : `${Math.floor(perSecond * 0.9995)}.5`;
}
