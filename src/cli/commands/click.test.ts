import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickCheck, clickGraph } from './click';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('clickvnfm click', () => {
  const dir = mkdtempSync(join(tmpdir(), 'click-cli-'));
  const good = join(dir, 'good.click');
  const bad = join(dir, 'bad.click');
  writeFileSync(good, 'FromDevice(eth0) -> c :: Counter -> Queue -> ToDevice(eth1);\n');
  writeFileSync(bad, 'FromDevice(eth0) -> x :: Fooo -> Discard;\nc :: Counter -> ToDevice(eth1);\n');

  it('check: exit 0 and a summary for a good file', () => {
    const c = capture();
    expect(clickCheck(good, c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/good\.click: ok \(4 elements, 3 connections\)/);
  });

  it('check: exit 1 with every error as file:line:column', () => {
    const c = capture();
    expect(clickCheck(bad, c.io)).toBe(1);
    const text = c.err.join('');
    expect(text).toContain(`${bad}:1:26: error: unknown element class 'Fooo'`);
    expect(text).toContain(`${bad}:2:1: error: input 0 of 'c' (Counter) is not connected`);
    expect(text).toMatch(/2 error\(s\)/);
  });

  it('graph: prints nodes and edges as JSON', () => {
    const c = capture();
    expect(clickGraph(good, c.io)).toBe(0);
    const g = JSON.parse(c.out.join('')) as { nodes: Array<{ name: string; class: string }>; edges: unknown[] };
    expect(g.nodes.map((n) => n.class).sort()).toEqual(['Counter', 'FromDevice', 'Queue', 'ToDevice']);
    expect(g.edges).toHaveLength(3);
    const e = capture();
    expect(clickGraph(bad, e.io)).toBe(1);
  });
});
