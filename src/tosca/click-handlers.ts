/**
 * Click handlers named by the VNFD's Day-2 policies (`element.handler`): their form, and whether the targeted
 * VDUs' Click configurations have the element (parsed and flattened by the Click toolkit) and its class the
 * handler (the element catalog).
 */
import { flatten, lookupElement, parseClick } from '../click';
import type { ClickHandlerRef, VduModel } from './model';

/** `element.handler`: a Click element name (`c_in0`, `outer/inner`, `Counter@3`) or `*`, and a handler name. */
const HANDLER = /^(\*|[A-Za-z_@][A-Za-z0-9_@/]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** `c_in0.count` as { element, handler }; undefined when it is not of that form. */
export function parseHandler(text: string): ClickHandlerRef | undefined {
  const m = HANDLER.exec(text);
  return m === null ? undefined : { element: m[1] as string, handler: m[2] as string };
}

/** What is wrong with a handler against the targeted VDUs' Click configurations. */
export type HandlerProblem =
  | { kind: 'no-config' }
  | { kind: 'no-element' }
  | { kind: 'no-handler'; classes: string[] }
  | { kind: 'nothing-has-it' };

/**
 * Each VDU's Click elements (name -> class), parsed once per flavour. A configuration that does not parse
 * (its errors are reported at the .click file) has none: handlers are then not checked against it.
 */
export class ClickElements {
  private readonly byVdu = new Map<string, Map<string, string> | null>();

  constructor(private readonly vdus: ReadonlyMap<string, VduModel>) {}

  /** The VDU's elements; null when its configuration does not parse; undefined when it has no configuration. */
  of(vduId: string): Map<string, string> | null | undefined {
    const text = this.vdus.get(vduId)?.clickConfig?.text;
    if (text === undefined) return undefined;
    let elements = this.byVdu.get(vduId);
    if (elements === undefined) {
      const { ast, diagnostics } = parseClick(text);
      const graph = diagnostics.some((d) => d.severity === 'error') ? undefined : flatten(ast, diagnostics);
      elements =
        graph === undefined || diagnostics.some((d) => d.severity === 'error')
          ? null
          : new Map([...graph.elements.values()].map((e) => [e.name, e.className]));
      this.byVdu.set(vduId, elements);
    }
    return elements;
  }

  /**
   * The problem with a handler on these VDUs, if any: none of them has a Click configuration; no configuration
   * has the element; the element's class has no such handler in the catalog (in every configuration that has
   * it); for `*.handler`, no element of any configuration has the handler.
   */
  check(ref: ClickHandlerRef, vduIds: readonly string[]): HandlerProblem | undefined {
    const configs = vduIds.map((id) => this.of(id)).filter((e) => e !== undefined);
    if (configs.length === 0) return { kind: 'no-config' };
    const parsed = configs.filter((e) => e !== null);
    if (parsed.length < configs.length) return undefined;
    if (ref.element === '*')
      return parsed.some((els) => [...els.values()].some((cls) => hasHandler(cls, ref.handler)))
        ? undefined
        : { kind: 'nothing-has-it' };
    const classes = parsed.map((els) => els.get(ref.element)).filter((cls) => cls !== undefined);
    if (classes.length === 0) return { kind: 'no-element' };
    return classes.some((cls) => hasHandler(cls, ref.handler))
      ? undefined
      : { kind: 'no-handler', classes: [...new Set(classes)] };
  }
}

/** True when the catalog lists the handler for the class, or does not know the class (nothing to say then). */
function hasHandler(className: string, handler: string): boolean {
  const info = lookupElement(className);
  return info === undefined || info.handlers.includes(handler);
}
