import type { Pos } from './ast';

/** One element of the flattened router. */
export interface GraphElement extends Pos {
  /** As Click names it: `c`, `Counter@3`, `outer/inner`. */
  name: string;
  className: string;
  config: string;
  /** Where the class name is written (for class errors). */
  classPos: Pos;
  /** True for elements Click names automatically (`Class@N`). */
  anonymous: boolean;
}

export interface GraphConnection extends Pos {
  from: string;
  fromPort: number;
  to: string;
  toPort: number;
}

/** The flattened router: primitive elements and connections between their ports. */
export interface ClickGraph {
  elements: Map<string, GraphElement>;
  connections: GraphConnection[];
  requirements: Array<{ name: string } & Pos>;
}

/** The JSON form for the console: nodes with class and config, edges with ports. */
export interface GraphJson {
  nodes: Array<{ name: string; class: string; config: string; line: number; column: number }>;
  edges: Array<{ from: string; fromPort: number; to: string; toPort: number }>;
}

/**
 * @example
 * exportGraph(checkClick(text).graph!) // { nodes: [...], edges: [...] }
 */
export function exportGraph(graph: ClickGraph): GraphJson {
  return {
    nodes: [...graph.elements.values()].map((e) => ({
      name: e.name,
      class: e.className,
      config: e.config,
      line: e.line,
      column: e.column,
    })),
    edges: graph.connections.map((c) => ({ from: c.from, fromPort: c.fromPort, to: c.to, toPort: c.toPort })),
  };
}
