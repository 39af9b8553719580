import type { SourceDiagnostic } from '../errors';
import type { Pos } from './ast';
import { KNOWN_REQUIREMENTS, lookupElement, portProcessing, type ElementInfo } from './catalog';
import type { ClickGraph, GraphConnection, GraphElement } from './graph';
import { splitConfig } from './parser';

/**
 * The checks on a flattened router, each diagnostic at file:line:column: unknown classes and
 * requirements, port indexes out of range, ports that must be connected, push/pull conflicts
 * (with Click's agnostic resolution), push fan-out and pull fan-in, unused elements (warnings).
 */
export function checkGraph(graph: ClickGraph, file: string, diagnostics: SourceDiagnostic[], warnings = true): void {
  const err = (p: Pos, message: string): void =>
    void diagnostics.push({ file, line: p.line, column: p.column, severity: 'error', message });
  const warn = (p: Pos, message: string): void => {
    if (warnings) diagnostics.push({ file, line: p.line, column: p.column, severity: 'warning', message });
  };

  for (const r of graph.requirements)
    if (!KNOWN_REQUIREMENTS.has(r.name))
      err(r, `unknown requirement '${r.name}'; known: ${[...KNOWN_REQUIREMENTS].join(', ')}`);

  const infos = new Map<string, ElementInfo>();
  for (const el of graph.elements.values()) {
    const info = lookupElement(el.className);
    if (info === undefined) err(el.classPos, `unknown element class '${el.className}'`);
    else infos.set(el.name, info);
  }

  // port ranges
  const outMax = new Map<string, number>();
  for (const [name, info] of infos) {
    const el = graph.elements.get(name) as GraphElement;
    outMax.set(name, info.outputsFromConfig ? info.outputsFromConfig(splitConfig(el.config)) : info.outputs.max);
  }
  const valid: GraphConnection[] = [];
  for (const c of graph.connections) {
    const fi = infos.get(c.from);
    const ti = infos.get(c.to);
    let ok = fi !== undefined && ti !== undefined;
    if (fi !== undefined && c.fromPort >= (outMax.get(c.from) ?? 0)) {
      err(
        c,
        `'${c.from}' (${fi.className}) has no output ${c.fromPort}; ${portCount(outMax.get(c.from) ?? 0, 'output')}`,
      );
      ok = false;
    }
    if (ti !== undefined && c.toPort >= ti.inputs.max) {
      err(c, `'${c.to}' (${ti.className}) has no input ${c.toPort}; ${portCount(ti.inputs.max, 'input')}`);
      ok = false;
    }
    if (ok) valid.push(c);
  }

  // connected ports
  const usedIn = new Map<string, Set<number>>();
  const usedOut = new Map<string, Set<number>>();
  for (const c of valid) {
    (usedOut.get(c.from) ?? usedOut.set(c.from, new Set()).get(c.from))?.add(c.fromPort);
    (usedIn.get(c.to) ?? usedIn.set(c.to, new Set()).get(c.to))?.add(c.toPort);
  }
  for (const [name, info] of infos) {
    const el = graph.elements.get(name) as GraphElement;
    const ins = usedIn.get(name) ?? new Set<number>();
    const outs = usedOut.get(name) ?? new Set<number>();
    if (ins.size === 0 && outs.size === 0 && (info.inputs.max > 0 || info.outputs.max > 0)) {
      warn(el, `element '${name}' (${info.className}) is not used`);
      continue;
    }
    const nIn = Math.max(info.inputs.min, ins.size ? Math.max(...ins) + 1 : 0);
    const nOut = Math.max(
      info.outputsFromConfig ? (outMax.get(name) ?? 0) : info.outputs.min,
      outs.size ? Math.max(...outs) + 1 : 0,
    );
    for (let p = 0; p < nIn; p++)
      if (!ins.has(p)) err(el, `input ${p} of '${name}' (${info.className}) is not connected`);
    for (let p = 0; p < nOut; p++)
      if (!outs.has(p)) err(el, `output ${p} of '${name}' (${info.className}) is not connected`);
  }

  checkProcessing(graph, infos, valid, err);
}

function portCount(n: number, what: string): string {
  return n === 0 ? `it has no ${what}s` : `it has ${n} ${what}${n === 1 ? '' : 's'} (numbered from 0)`;
}

/** Click's push/pull resolution: agnostic ports take the processing of what they connect to. */
function checkProcessing(
  graph: ClickGraph,
  infos: Map<string, ElementInfo>,
  conns: GraphConnection[],
  err: (p: Pos, m: string) => void,
): void {
  // NOTE: ports are numbered (element index * PORTS + side * PORTS/2 + port) so that the union-find
  // runs on plain arrays: this is the hot loop of a large configuration.
  const PORTS = 2048;
  const index = new Map<string, number>();
  let n = 0;
  for (const name of graph.elements.keys()) index.set(name, n++);
  const parent = new Map<number, number>();
  const value = new Map<number, 'h' | 'l'>();
  const find = (k: number): number => {
    let r = k;
    for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
    let c = k;
    while (c !== r) {
      const next = parent.get(c) as number;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const key = (el: string, side: 'in' | 'out', port: number): number =>
    (index.get(el) as number) * PORTS + (side === 'out' ? PORTS / 2 : 0) + Math.min(port, PORTS / 2 - 1);
  const init = (el: string, side: 'in' | 'out', port: number): number => {
    const k = key(el, side, port);
    if (!parent.has(k)) {
      parent.set(k, k);
      const info = infos.get(el);
      const code = info === undefined ? 'a' : portProcessing(info, side, port);
      if (code !== 'a') value.set(k, code);
    }
    return k;
  };
  const union = (a: number, b: number): 'h' | 'l' | 'conflict' | undefined => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return value.get(ra);
    const va = value.get(ra);
    const vb = value.get(rb);
    if (va !== undefined && vb !== undefined && va !== vb) return 'conflict';
    parent.set(rb, ra);
    if (va === undefined && vb !== undefined) value.set(ra, vb);
    return value.get(ra);
  };
  // an agnostic element's agnostic ports resolve together (Click's default flow code)
  const agnosticRoot = new Map<string, number>();
  const tieAgnostic = (el: string, side: 'in' | 'out', port: number): void => {
    const info = infos.get(el);
    if (info === undefined || portProcessing(info, side, port) !== 'a') return;
    const k = init(el, side, port);
    const root = agnosticRoot.get(el);
    if (root === undefined) agnosticRoot.set(el, k);
    else union(root, k);
  };
  for (const c of conns) {
    tieAgnostic(c.from, 'out', c.fromPort);
    tieAgnostic(c.to, 'in', c.toPort);
  }
  const word = (v: 'h' | 'l' | undefined): string => (v === 'h' ? 'push' : 'pull');
  for (const c of conns) {
    const a = init(c.from, 'out', c.fromPort);
    const b = init(c.to, 'in', c.toPort);
    const before = [value.get(find(a)), value.get(find(b))] as const;
    if (union(a, b) === 'conflict') {
      const fi = infos.get(c.from) as ElementInfo;
      const ti = infos.get(c.to) as ElementInfo;
      err(
        c,
        `${word(before[0])} output ${c.fromPort} of '${c.from}' (${fi.className}) ` +
          `is connected to ${word(before[1])} input ${c.toPort} of '${c.to}' (${ti.className})` +
          (before[0] === 'h' ? '; put a Queue between them' : '; put an Unqueue between them'),
      );
    }
  }
  // push outputs feed one input; pull inputs take from one output
  const seenOut = new Map<number, GraphConnection>();
  const seenIn = new Map<number, GraphConnection>();
  for (const c of conns) {
    const ko = key(c.from, 'out', c.fromPort);
    const ki = key(c.to, 'in', c.toPort);
    if (seenOut.has(ko) && (value.get(find(ko)) ?? 'h') === 'h')
      err(c, `push output ${c.fromPort} of '${c.from}' is connected to more than one input; use a Tee`);
    if (seenIn.has(ki) && value.get(find(ki)) === 'l')
      err(
        c,
        `pull input ${c.toPort} of '${c.to}' is connected to more than one output; ` +
          'use a scheduler such as RoundRobinSched',
      );
    seenOut.set(ko, c);
    seenIn.set(ki, c);
  }
}

/**
 * `ControlSocket(TCP, P)` on a port the agent already gives Click (`click -p P`): Click binds P for the first one,
 * its driver's ControlSocket cannot, retries once a second later and then stops the router (upstream Click's
 * ControlSocket::retry_hook -> please_stop_driver). `P+` (the next free port) is no clash.
 */
export function controlSocketClashes(graph: ClickGraph, file: string, ports: readonly number[]): SourceDiagnostic[] {
  const out: SourceDiagnostic[] = [];
  for (const e of graph.elements.values()) {
    if (e.className !== 'ControlSocket') continue;
    const [type, port] = splitConfig(e.config).map((a) => a.trim());
    if (type?.toUpperCase() !== 'TCP' || port === undefined || !ports.includes(Number(port))) continue;
    out.push({
      file,
      line: e.line,
      column: e.column,
      severity: 'error',
      message:
        `${e.name} :: ControlSocket(TCP, ${port}): the agent already starts Click with -p ${port} (the VDU's ` +
        `controlsocket_port); Click would stop a second after it starts (bind: Address in use). ` +
        'Remove it (the agent gives Click its ControlSocket) or use another port',
    });
  }
  return out;
}
