/**
 * The Click language toolkit: parse, flatten, check and draw Click configurations. Pure: text in,
 * result out. Every problem is a SourceDiagnostic at file:line:column.
 */
import type { SourceDiagnostic } from '../errors';
import type { ClickAst } from './ast';
import { checkGraph, controlSocketClashes } from './check';
import { flatten } from './flatten';
import type { ClickGraph } from './graph';
import { parseVnfHeader, type VnfHeader } from './header';
import { parseClick } from './parser';

export type { ClickAst, Statement, Declaration, Connection, ElementClassDef, ElementRef, Pos } from './ast';
export { ClickSyntaxError } from './lexer';
export { parseClick, splitConfig } from './parser';
export { controlSocketClashes } from './check';
export { flatten, substitute } from './flatten';
export { exportGraph, type ClickGraph, type GraphElement, type GraphConnection, type GraphJson } from './graph';
export {
  ELEMENT_CATALOG,
  KNOWN_REQUIREMENTS,
  lookupElement,
  portProcessing,
  type ElementInfo,
  type PortRange,
} from './catalog';
export { countingHandlers, DROP_HANDLERS, type CountingHandlers, type PortHandlers } from './counting';
export { parseVnfHeader, generateVnfHeader, type VnfHeader } from './header';

export interface ClickCheckOptions {
  file?: string;
  /** Report unused elements as warnings (default true). */
  warnings?: boolean;
  /** Require a valid VNF header (default false; the platform's `vnf_identification` needs one). */
  requireHeader?: boolean;
  /**
   * The TCP ports the agent gives Click with `-p` (the VDU's controlsocket_port): a `ControlSocket(TCP, P)` of the
   * configuration on one of them is an error (Click would bind the port twice and stop a second later).
   */
  agentControlPorts?: readonly number[];
}

export interface ClickCheckResult {
  /** No errors (warnings allowed). */
  ok: boolean;
  diagnostics: SourceDiagnostic[];
  ast: ClickAst;
  graph?: ClickGraph;
  header?: VnfHeader;
}

/**
 * Parses, flattens and checks a configuration.
 *
 * @example
 * const r = checkClick('FromDPDKDevice(0) -> ToDPDKDevice(1);', { file: 'fwd.click' });
 * if (!r.ok) console.error(r.diagnostics.map(formatDiagnostic).join('\n'));
 */
export function checkClick(text: string, options: ClickCheckOptions = {}): ClickCheckResult {
  const file = options.file ?? 'config.click';
  const { ast, diagnostics } = parseClick(text, file);
  let graph: ClickGraph | undefined;
  if (!diagnostics.some((d) => d.severity === 'error')) {
    graph = flatten(ast, diagnostics);
    checkGraph(graph, file, diagnostics, options.warnings ?? true);
    diagnostics.push(...controlSocketClashes(graph, file, options.agentControlPorts ?? []));
  }
  let header: VnfHeader | undefined;
  if (text.trimStart().startsWith('//VNF_HEADER') || options.requireHeader === true) {
    const h = parseVnfHeader(text, file);
    diagnostics.push(...h.diagnostics);
    header = h.header;
  }
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  const result: ClickCheckResult = { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics, ast };
  if (graph !== undefined) result.graph = graph;
  if (header !== undefined) result.header = header;
  return result;
}
