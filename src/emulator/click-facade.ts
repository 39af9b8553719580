/**
 * How the emulated Click decides whether a configuration would run: one injected function, so a
 * test can swap the checks; the default asks the project's Click toolkit (src/click).
 */
import type { SourceDiagnostic } from '../errors';
import { checkClick, controlSocketClashes, exportGraph, type VnfHeader } from '../click';

export type { VnfHeader } from '../click';

/** What a check says about a configuration. */
export interface ClickCheckOutcome {
  ok: boolean;
  /** Click-style lines: `func.click:12: unknown element class 'Fooo'`. */
  messages: string[];
  /** The router's elements (name, class, configuration), when the check knows them: they get handlers and traffic. */
  elements?: Array<{ name: string; class: string; config?: string }>;
  /** The VNF header at the top of the file, when valid. */
  header?: VnfHeader;
}

/** `(text, file) => {ok, messages}`: decides whether "Click" accepts a configuration. */
export type ClickChecker = (text: string, file: string) => ClickCheckOutcome;

/** Click's own error style: `func.click:12: unknown element class 'Fooo'` (no column). */
export function formatDiagnosticForClick(d: SourceDiagnostic): string {
  return `${d.file}:${d.line}: ${d.message}`;
}

/**
 * The default checker: the Click toolkit's parser, flattener and checks.
 *
 * @example
 * toolkitChecker('InfiniteSource -> Fooo -> Discard;', 'func.click').messages
 * // ["func.click:1: unknown element class 'Fooo'"]
 */
export const toolkitChecker: ClickChecker = (text, file) => {
  const r = checkClick(text, { file, warnings: false });
  const out: ClickCheckOutcome = {
    ok: r.ok && r.graph !== undefined,
    messages: r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnosticForClick),
  };
  if (r.graph !== undefined)
    out.elements = exportGraph(r.graph).nodes.map((n) => ({ name: n.name, class: n.class, config: n.config }));
  if (r.header !== undefined) out.header = r.header;
  return out;
};

/** Whether a configuration declares its own `ControlSocket(TCP, port)` (upstream Click then stops: see the VM). */
export function declaresControlSocket(text: string, port: number): boolean {
  const graph = checkClick(text, { warnings: false }).graph;
  return graph !== undefined && controlSocketClashes(graph, 'func.click', [port]).length > 0;
}
