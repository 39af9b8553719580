import { countingHandlers } from '../click';
import type { ControlSocketClient } from './control-socket-client';

/** What one look at the ControlSocket found: element -> class, and element -> handler -> value. */
export interface ElementReadings {
  classes: Map<string, string>;
  values: Map<string, Map<string, number>>;
}

/** The handlers that count, by element class (src/click/counting.ts: Click's own names); 511s are left out. */
const handlersOf = (cls: string): readonly string[] => countingHandlers(cls).read;

/** A router's elements as last seen at one ControlSocket: its `list` answer and each element's class. */
interface KnownRouter {
  list: string;
  classes: Map<string, string>;
}

/**
 * Routers seen, by ControlSocket address: a look reads `list` and the counters in one write, and reads the
 * classes again only when the list changed (or a handler went missing). Only a cache: a process that has not
 * seen the router reads its classes itself; bounded, oldest first out.
 */
const known = new Map<string, KnownRouter>();
const KNOWN_MAX = 20_000;

function remember(where: string, router: KnownRouter): void {
  known.delete(where);
  known.set(where, router);
  if (known.size > KNOWN_MAX) known.delete(known.keys().next().value as string);
}

/** Forgets what is known of the router at `where` (controlSocketAddress: its configuration was replaced). */
export function forgetRouter(where: string): void {
  known.delete(where);
}

const namesOf = (list: string): string[] => list.split('\n').slice(1).filter(Boolean);

async function readClasses(c: ControlSocketClient, names: string[]): Promise<Map<string, string>> {
  const replies = await c.readMany(names.map((n) => `${n}.class`));
  const classes = new Map<string, string>();
  names.forEach((name, i) => {
    const r = replies[i];
    if (r?.code === 200) classes.set(name, (r.data ?? '').trim());
  });
  return classes;
}

/** `READ list` and every counting handler of `classes`, in one write; `missing`: a handler the router lacked. */
async function readAll(
  c: ControlSocketClient,
  classes: Map<string, string>,
): Promise<{ list: string; values: ElementReadings['values']; missing: boolean }> {
  const wanted = [...classes].flatMap(([name, cls]) => handlersOf(cls).map((h) => [name, h] as const));
  const [list, ...replies] = await c.readMany(['list', ...wanted.map(([name, h]) => `${name}.${h}`)]);
  const values: ElementReadings['values'] = new Map();
  let missing = false;
  wanted.forEach(([name, h], i) => {
    const r = replies[i];
    const n = Number((r?.data ?? '').trim());
    // every element of a class has the class's first handler: without it, the element's class changed
    if (r?.code !== 200 && h === handlersOf(classes.get(name) ?? '')[0]) missing = true;
    if (r?.code !== 200 || !Number.isFinite(n)) return;
    const per = values.get(name) ?? new Map<string, number>();
    values.set(name, per.set(h, n));
  });
  return { list: list?.data ?? '', values, missing };
}

/**
 * Every counting handler of the running router, over an open ControlSocket session: `list` and the handlers in
 * one pipelined write, from the classes this process saw at the same ControlSocket (`c.where`); when the list
 * differs (a new configuration) the classes are read again (`<element>.class`, one write) and the handlers
 * with them. A handler an element lacks, or that is not a number, is left out. Both dialects read counters so.
 */
export async function readElementCounters(c: ControlSocketClient): Promise<ElementReadings> {
  const where = c.where;
  const seen = known.get(where);
  if (seen !== undefined) {
    const r = await readAll(c, seen.classes);
    if (r.list === seen.list && !r.missing) {
      remember(where, seen);
      return { classes: seen.classes, values: r.values };
    }
    known.delete(where);
  }
  const list = (await c.readMany(['list']))[0]?.data ?? '';
  const classes = await readClasses(c, namesOf(list));
  const r = await readAll(c, classes);
  if (r.list === list) remember(where, { list, classes });
  return { classes, values: r.values };
}
