/**
 * The Click language AST. Every node has the 1-based line and column where it starts.
 * @see Click's language reference, click(5)
 */
export interface Pos {
  line: number;
  column: number;
}

/** An element in a connection or declaration: a name, optionally declared inline or anonymous. */
export interface ElementRef extends Pos {
  /** The element's name; anonymous elements get Click's `Class@N` name. */
  name: string;
  /** Set when this reference declares the element (inline `n :: C(cfg)` or anonymous `C(cfg)`). */
  decl?: Declaration;
  /** `[p] x`: the input port used by the connection arriving here. */
  inPort?: number;
  /** `x [p]`: the output port used by the connection leaving here. */
  outPort?: number;
}

export interface Declaration extends Pos {
  kind: 'declaration';
  names: Array<{ name: string } & Pos>;
  className: string;
  classPos: Pos;
  /** The raw configuration string between the parentheses (undefined without parentheses). */
  config?: string;
  configPos?: Pos;
  anonymous: boolean;
}

export interface Connection extends Pos {
  kind: 'connection';
  /** a -> b -> c: consecutive pairs are connected. */
  chain: ElementRef[];
}

export interface ElementClassDef extends Pos {
  kind: 'elementclass';
  name: string;
  /** `elementclass A B;` makes A a synonym of class B. */
  alias?: string;
  /** Overloaded alternatives (`||`); `inherit` marks a `...` alternative. */
  alternatives: CompoundBody[];
}

export interface CompoundBody extends Pos {
  inherit?: boolean;
  formals: Array<{ name: string; keyword?: string } & Pos>;
  statements: Statement[];
}

export interface Require extends Pos {
  kind: 'require';
  args: string[];
}

export interface Define extends Pos {
  kind: 'define';
  /** `$name value` pairs */
  defs: Array<{ name: string; value: string } & Pos>;
}

export type Statement = Declaration | Connection | ElementClassDef | Require | Define;

export interface ClickAst {
  file: string;
  statements: Statement[];
}
