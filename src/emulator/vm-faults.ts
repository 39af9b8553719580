/**
 * Faults injected into a running emulated VM (emulator only, not part of the real VM's API): Click
 * crashes, the management API hangs, an element drops packets. Served at `/_emulator/faults` on the
 * VM's own HTTP API in both dialects, and used in-process by EmulatedCloud. See docs/emulator.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClickProcess, DropMeter } from './click-process';

/** The emulator-only path on the VM's API; every other path hangs under `api-hang`. */
export const VM_FAULTS_PATH = '/_emulator/faults';

/** What a test injects. */
export type VmFaultSpec =
  { fault: 'nf-crash'; message?: string } | { fault: 'api-hang' } | { fault: 'drops'; element?: string; pps: number };

/** A fault in force (`since`: the VM's clock, ms since the epoch). */
export type VmFaultInForce =
  | { fault: 'nf-crash'; message: string; pid: number; since: number }
  | { fault: 'api-hang'; since: number }
  | { fault: 'drops'; element: string; pps: number; since: number };

export const VM_FAULTS: readonly VmFaultSpec['fault'][] = ['nf-crash', 'api-hang', 'drops'];
export const DEFAULT_CRASH_MESSAGE = 'Segmentation fault (injected fault nf-crash)';

/** A fault that cannot be injected: `status` is the HTTP status the API answers (400 bad body, 409 wrong state). */
export class VmFaultError extends Error {
  constructor(
    readonly status: 400 | 409,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Narrows a body to a VmFaultSpec. @throws VmFaultError (400) saying what is wrong. */
export function parseVmFault(body: unknown): VmFaultSpec {
  if (!isRecord(body) || typeof body['fault'] !== 'string')
    throw new VmFaultError(400, `the body must be {"fault": ${VM_FAULTS.join(' | ')}, ...}`);
  const { fault, message, element, pps } = body;
  if (fault === 'api-hang') return { fault };
  if (fault === 'nf-crash') {
    if (message !== undefined && typeof message !== 'string') throw new VmFaultError(400, 'message must be a string');
    return message === undefined || message === '' ? { fault } : { fault, message };
  }
  if (fault === 'drops') {
    if (typeof pps !== 'number' || !Number.isFinite(pps) || pps <= 0)
      throw new VmFaultError(400, 'pps must be a number of packets per second above 0');
    if (element !== undefined && (typeof element !== 'string' || element === ''))
      throw new VmFaultError(400, 'element must be a non-empty string');
    return element === undefined ? { fault, pps } : { fault, element, pps };
  }
  throw new VmFaultError(400, `fault must be one of ${VM_FAULTS.join(', ')}`);
}

/** What the faults need of their VM. */
export interface FaultyVm {
  readonly now: () => number;
  readonly click: ClickProcess | undefined;
  readonly files: Map<string, string>;
  stopClick(): boolean;
}

/** The faults in force in one VM. */
export class VmFaults {
  private crash: { message: string; pid: number; since: number } | undefined;
  private hang: { since: number } | undefined;
  /** Drop intervals per element: a cleared (or replaced) one keeps what it dropped, so counters never go back. */
  private readonly drops: Array<{ element: string; pps: number; since: number; until?: number }> = [];

  constructor(private readonly vm: FaultyVm) {}

  /** Every API request but the fault path's goes unanswered. */
  get hung(): boolean {
    return this.hang !== undefined;
  }

  /**
   * Injects one fault. nf-crash ends a running (or starting) Click with the message in its error log;
   * api-hang makes the API hang; drops makes an element's drop counter grow at `pps` from now on.
   * @throws VmFaultError (409) when Click does not run for nf-crash, (400) for an element without a drop counter.
   */
  inject(f: VmFaultSpec): VmFaultInForce[] {
    const now = this.vm.now();
    if (f.fault === 'api-hang') this.hang ??= { since: now };
    else if (f.fault === 'nf-crash') this.crashClick(f.message ?? DEFAULT_CRASH_MESSAGE, now);
    else {
      const element = this.dropElement(f.element);
      this.endDrops(now, element);
      this.drops.push({ element, pps: f.pps, since: now });
    }
    return this.list();
  }

  private crashClick(message: string, since: number): void {
    const click = this.vm.click;
    if (click === undefined || (!click.running && !click.starting))
      throw new VmFaultError(409, 'Click is not running: there is nothing to crash');
    this.vm.stopClick();
    click.errors = `${message}\n`;
    this.vm.files.set('/click_errors.txt', click.errors);
    this.crash = { message, pid: click.pid, since };
  }

  private dropElement(element: string | undefined): string {
    const click = this.vm.click;
    if (element === undefined) {
      const found = click?.defaultDropElement();
      if (found === undefined)
        throw new VmFaultError(409, 'no running router with a device or queue element: name the element');
      return found;
    }
    const kind = click?.kindOf(element);
    // NOTE: while Click does not run, any name is taken: it applies to the next router that has it
    if (click?.running === true && kind === undefined) throw new VmFaultError(400, `No element named '${element}'`);
    if (kind !== undefined && click?.dropHandler(element) === undefined)
      throw new VmFaultError(
        400,
        `element '${element}' has no drop counter (ToDPDKDevice has dropped, FromDPDKDevice hw_dropped, ` +
          'FromDevice kernel_drops, a queue drops)',
      );
    return element;
  }

  /** Packets dropped at `element` from `since` to now (the ClickProcess's DropMeter). */
  readonly dropped: DropMeter = (element, since) => {
    const now = this.vm.now();
    let n = 0;
    let active = false;
    for (const d of this.drops) {
      if (d.element !== element) continue;
      n += (d.pps * Math.max(0, (d.until ?? now) - Math.max(since, d.since))) / 1000;
      active ||= d.until === undefined;
    }
    return { packets: Math.floor(n), active };
  };

  private endDrops(now: number, element?: string): void {
    for (const d of this.drops)
      if (d.until === undefined && (element === undefined || d.element === element)) d.until = now;
  }

  /**
   * Clears every fault: the API answers again, drop counters stop growing (they keep their value until Click
   * restarts); a crashed Click stays down until started again.
   */
  clear(): void {
    this.crash = undefined;
    this.hang = undefined;
    this.endDrops(this.vm.now());
  }

  /** The faults in force (an nf-crash only while the crashed Click has not been started again). */
  list(): VmFaultInForce[] {
    const out: VmFaultInForce[] = [];
    const c = this.crash;
    if (c !== undefined && this.vm.click?.pid === c.pid && this.vm.click.running === false)
      out.push({ fault: 'nf-crash', ...c });
    if (this.hang !== undefined) out.push({ fault: 'api-hang', ...this.hang });
    for (const { element, pps, since, until } of this.drops)
      if (until === undefined) out.push({ fault: 'drops', element, pps, since });
    return out;
  }
}

/**
 * `/_emulator/faults` on the VM's API: PUT injects (`{fault, ...}`), DELETE clears all, GET lists;
 * each answers 200 `{"faults": [...]}` (400 for a bad body, 409 when the VM's state refuses it).
 */
export function handleVmFaults(faults: VmFaults, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const send = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  try {
    if (req.method === 'GET') return send(200, { faults: faults.list() });
    if (req.method === 'DELETE') return (faults.clear(), send(200, { faults: faults.list() }));
    if (req.method === 'PUT' || req.method === 'POST') {
      const text = body.toString('utf8');
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        throw new VmFaultError(400, 'the body is not JSON');
      }
      return send(200, { faults: faults.inject(parseVmFault(parsed)) });
    }
    send(405, { message: `${req.method ?? ''} ${VM_FAULTS_PATH}: use GET, PUT or DELETE`, code: 405 });
  } catch (err) {
    if (!(err instanceof VmFaultError)) throw err;
    send(err.status, { message: err.message, code: err.status });
  }
}
