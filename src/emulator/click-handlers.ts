import { countingHandlers } from '../click';
import type { ElementKind } from './click-process';

/**
 * A handler as Click's `handlers` handler lists it (Element::read_handlers_handler): its name, a tab, its flags:
 * `r` readable, `w` writable, then `+` (takes a parameter), `%` raw, `.` calm, `$` expensive, `U` uncommon,
 * `D` deprecated, `b` button, `c` checkbox.
 */
export type HandlerSpec = readonly [name: string, flags: string];

/** Every element's own (Element::add_default_handlers), before its class's. */
const DEFAULTS: HandlerSpec[] = [
  ['name', 'r.'],
  ['class', 'r.'],
  ['config', 'r.'],
  ['ports', 'r.'],
  ['handlers', 'r.'],
];

/** Counter::add_handlers (upstream Click, elements/standard/counter.cc). */
const COUNTER: HandlerSpec[] = [
  ['count', 'r'],
  ['byte_count', 'r'],
  ['rate', 'r'],
  ['bit_rate', 'r'],
  ['byte_rate', 'r'],
  ['reset', 'wb'],
  ['reset_counts', 'wUb'],
  ['count_call', 'rw'],
  ['byte_count_call', 'w'],
];

const QUEUE: HandlerSpec[] = [
  ['length', 'r'],
  ['highwater_length', 'r'],
  ['drops', 'r'],
  ['capacity', 'r'],
];

/** An element's handlers, last added first (as Click lists them: Router::element_hindexes). */
export function elementHandlers(cls: string, kind: ElementKind): HandlerSpec[] {
  const own: readonly HandlerSpec[] =
    kind === 'counter'
      ? COUNTER
      : kind === 'queue'
        ? QUEUE
        : kind === 'input' || kind === 'output'
          ? countingHandlers(cls).read.map((h): HandlerSpec => [h, 'r'])
          : [];
  return [...DEFAULTS, ...own].reverse();
}

/**
 * The global handlers of Click's userlevel driver (Router::static_initialize, the driver's classes and packages,
 * click.cc's hotconfig with -R and timewarp).
 */
export function globalHandlers(reconfigurable: boolean): HandlerSpec[] {
  return [
    ['version', 'r'],
    ['driver', 'r'],
    ['config', 'r'],
    ['flatconfig', 'r'],
    ['requirements', 'r'],
    ['handlers', 'r'],
    ['list', 'r'],
    ['stop', 'w'],
    ['classes', 'r'],
    ['packages', 'r'],
    ...(reconfigurable ? [['hotconfig', 'w%'] as const] : []),
    ['timewarp', 'rw'],
  ];
}

/** What `READ x.handlers` answers: `name\tflags` lines. */
export function handlersText(specs: HandlerSpec[]): string {
  return specs.map(([n, f]) => `${n}\t${f}\n`).join('');
}

/** The element the driver adds for `-p PORT` (click.cc parse_configuration), last in `list`. */
export const DRIVER_CONTROL_SOCKET = 'click_driver@@ControlSocket';
