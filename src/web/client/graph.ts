import type { GraphJson } from '../../click';

/** Draws a Click element graph as SVG: layers by longest path from the sources, edges with ports. */
export function drawGraph(g: GraphJson): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const layer = new Map<string, number>(g.nodes.map((n) => [n.name, 0]));
  for (let i = 0; i < g.nodes.length; i++) {
    let changed = false;
    for (const e of g.edges) {
      const want = (layer.get(e.from) ?? 0) + 1;
      if (want > (layer.get(e.to) ?? 0) && want < g.nodes.length) {
        layer.set(e.to, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, string[]>();
  for (const n of g.nodes) rows.set(layer.get(n.name) ?? 0, [...(rows.get(layer.get(n.name) ?? 0) ?? []), n.name]);
  const W = 170;
  const H = 46;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [l, names] of rows)
    names.forEach((name, i) => pos.set(name, { x: 10 + l * (W + 40), y: 10 + i * (H + 24) }));
  const width = 20 + (Math.max(0, ...rows.keys()) + 1) * (W + 40);
  const height = 20 + Math.max(1, ...[...rows.values()].map((r) => r.length)) * (H + 24);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('class', 'click-graph');
  const el = (name: string, attrs: Record<string, string | number>, text?: string): SVGElement => {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };
  for (const e of g.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    el('line', { x1: a.x + W, y1: a.y + H / 2, x2: b.x, y2: b.y + H / 2, class: 'edge' });
    el('text', { x: (a.x + W + b.x) / 2, y: (a.y + b.y + H) / 2 - 4, class: 'port' }, `[${e.fromPort}]→[${e.toPort}]`);
  }
  for (const n of g.nodes) {
    const p = pos.get(n.name) as { x: number; y: number };
    el('rect', { x: p.x, y: p.y, width: W, height: H, rx: 6, class: 'node' }).setAttribute('data-element', n.name);
    el('text', { x: p.x + 8, y: p.y + 18, class: 'name' }, n.name.length > 22 ? `${n.name.slice(0, 21)}…` : n.name);
    el('text', { x: p.x + 8, y: p.y + 36, class: 'class' }, n.class);
  }
  return svg;
}
