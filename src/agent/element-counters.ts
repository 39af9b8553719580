import type { ControlSocketClient } from './control-socket-client';

const COUNTER_HANDLERS = ['count', 'byte_count', 'rate'];
/** A queue's fill and drops (a handler an element lacks answers 511 and is left out). */
const QUEUE_HANDLERS = ['length', 'highwater_length', 'drops'];

/** What one look at the ControlSocket found: element -> class, and element -> handler -> value. */
export interface ElementReadings {
  classes: Map<string, string>;
  values: Map<string, Map<string, number>>;
}

/** The handlers that count, by element class: Counters, devices (their own bytes and drops) and queues. */
function handlersOf(cls: string): string[] {
  if (/Counter$/.test(cls)) return COUNTER_HANDLERS;
  if (/^(From|To)(DPDK)?Device$|^PollDevice$/.test(cls))
    return ['count', cls.startsWith('To') ? 'out_bytes' : 'in_bytes', 'dropped'];
  if (/Queue$/.test(cls)) return QUEUE_HANDLERS;
  return [];
}

/**
 * Every counting handler of the running router, over an open ControlSocket session: the elements found by
 * `list` and `.class` (unless `classes` from an earlier look is given), then each handler `READ`; a handler
 * an element lacks, or that is not a number, is left out. Both dialects' agents read counters this way.
 */
export async function readElementCounters(
  c: ControlSocketClient,
  classes?: Map<string, string>,
): Promise<ElementReadings> {
  const out: ElementReadings = { classes: classes ?? new Map(), values: new Map() };
  if (classes === undefined) {
    const names = ((await c.read('list')).data ?? '').split('\n').slice(1).filter(Boolean);
    for (const name of names) {
      const r = await c.read(`${name}.class`);
      if (r.code === 200) out.classes.set(name, (r.data ?? '').trim());
    }
  }
  for (const [name, cls] of out.classes) {
    const values = new Map<string, number>();
    for (const h of handlersOf(cls)) {
      const r = await c.read(`${name}.${h}`);
      const n = Number((r.data ?? '').trim());
      if (r.code === 200 && Number.isFinite(n)) values.set(h, n);
    }
    if (values.size > 0) out.values.set(name, values);
  }
  return out;
}
