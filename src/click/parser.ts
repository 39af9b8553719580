import type { SourceDiagnostic } from '../errors';
import type { ClickAst, CompoundBody, Connection, Declaration, ElementClassDef, ElementRef, Pos, Statement } from './ast';
import { ClickSyntaxError, Lexer, type Token } from './lexer';

const KEYWORDS = new Set(['elementclass', 'require', 'define']);

/**
 * Parses a Click configuration into an AST with source positions. Never throws: a syntax error
 * becomes a diagnostic (file:line:column) and parsing resumes after the next `;`.
 *
 * @example
 * const { ast, diagnostics } = parseClick('src :: InfiniteSource -> Discard;', 'a.click');
 */
export function parseClick(text: string, file = 'config.click'): { ast: ClickAst; diagnostics: SourceDiagnostic[] } {
  const p = new Parser(text, file);
  const statements = p.parseStatements(false);
  return { ast: { file, statements }, diagnostics: p.diagnostics };
}

class Parser {
  readonly diagnostics: SourceDiagnostic[] = [];
  private readonly lx: Lexer;
  private anon = 0;

  constructor(
    src: string,
    private readonly file: string,
  ) {
    this.lx = new Lexer(src);
  }

  parseStatements(inCompound: boolean): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      let t: Token;
      try {
        t = this.lx.peek();
      } catch (err) {
        this.fail(err);
        if (!this.recover()) return out;
        continue;
      }
      if (t.kind === 'eof') return out;
      if (inCompound && t.kind === 'punct' && (t.text === '}' || t.text === '||')) return out;
      if (t.kind === 'punct' && t.text === ';') {
        this.lx.next();
        continue;
      }
      try {
        out.push(this.statement());
      } catch (err) {
        this.fail(err);
        if (!this.recover()) return out;
      }
    }
  }

  private fail(err: unknown): void {
    if (!(err instanceof ClickSyntaxError)) throw err;
    this.diagnostics.push({ file: this.file, line: err.line, column: err.column, severity: 'error', message: err.message });
  }

  /** Skips to after the next `;` (or to `}`/eof); false when nothing is left. */
  private recover(): boolean {
    for (let guard = 0; guard < 1_000_000; guard++) {
      let t: Token;
      try {
        t = this.lx.next();
      } catch {
        continue; // an unlexable character: the lexer advanced past nothing, so skip it by erroring again
      }
      if (t.kind === 'eof') return false;
      if (t.kind === 'punct' && t.text === ';') return true;
      if (t.kind === 'punct' && t.text === '(') {
        try {
          this.lx.readConfig(t);
        } catch {
          return false;
        }
      }
    }
    return false;
  }

  private expect(kind: Token['kind'], text?: string): Token {
    const t = this.lx.peek();
    if (t.kind !== kind || (text !== undefined && t.text !== text)) {
      const want = text !== undefined ? `'${text}'` : kind === 'ident' ? 'a name' : kind;
      // NOTE: the offending token is not consumed, so recovery can stop at it when it is ';'
      throw new ClickSyntaxError(`expected ${want}, found ${describe(t)}`, t.line, t.column);
    }
    return this.lx.next();
  }

  private isPunct(text: string): boolean {
    const t = this.lx.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private statement(): Statement {
    const t = this.lx.peek();
    if (t.kind === 'ident' && KEYWORDS.has(t.text)) {
      this.lx.next();
      if (t.text === 'elementclass') return this.elementclass(t);
      const open = this.expect('punct', '(');
      const raw = this.lx.readConfig(open);
      const args = splitConfig(raw);
      if (t.text === 'require') return { kind: 'require', args, line: t.line, column: t.column };
      const defs = args.map((a) => {
        const m = /^\s*(\$[A-Za-z0-9_]+)\s*(.*)$/s.exec(a);
        if (m === null) throw new ClickSyntaxError(`define(): '${a.trim()}' is not '$name value'`, open.line, open.column);
        return { name: m[1] as string, value: (m[2] as string).trim(), line: open.line, column: open.column };
      });
      return { kind: 'define', defs, line: t.line, column: t.column };
    }
    return this.connectionOrDeclaration();
  }

  private elementclass(kw: Token): ElementClassDef {
    const name = this.expect('ident');
    if (this.lx.peek().kind === 'ident') {
      const alias = this.lx.next();
      return { kind: 'elementclass', name: name.text, alias: alias.text, alternatives: [], line: kw.line, column: kw.column };
    }
    this.expect('punct', '{');
    const alternatives: CompoundBody[] = [];
    for (;;) {
      alternatives.push(this.compoundBody());
      if (this.isPunct('||')) {
        this.lx.next();
        continue;
      }
      this.expect('punct', '}');
      break;
    }
    return { kind: 'elementclass', name: name.text, alternatives, line: kw.line, column: kw.column };
  }

  private compoundBody(): CompoundBody {
    const start = this.lx.peek();
    if (this.isPunct('...')) {
      this.lx.next();
      return { inherit: true, formals: [], statements: [], line: start.line, column: start.column };
    }
    const formals: CompoundBody['formals'] = [];
    // formals: `$a, $b |`
    const t = this.lx.peek();
    if (t.kind === 'variable') {
      for (;;) {
        const v = this.expect('variable');
        formals.push({ name: v.text, line: v.line, column: v.column });
        if (this.isPunct(',')) {
          this.lx.next();
          continue;
        }
        this.expect('punct', '|');
        break;
      }
    }
    const statements = this.parseStatements(true);
    return { formals, statements, line: start.line, column: start.column };
  }

  private connectionOrDeclaration(): Statement {
    const first = this.lx.peek();
    // `a, b :: Class(cfg)`: several names declared at once
    if (first.kind === 'ident') {
      const names: Array<{ name: string } & Pos> = [];
      const t = this.lx.next();
      names.push({ name: t.text, line: t.line, column: t.column });
      if (this.isPunct(',')) {
        while (this.isPunct(',')) {
          this.lx.next();
          const n = this.expect('ident');
          names.push({ name: n.text, line: n.line, column: n.column });
        }
        this.expect('punct', '::');
        const decl = this.classSpec(names, false);
        return decl;
      }
      const ref = this.elementAfterName(t);
      return this.chainFrom(ref, first);
    }
    const ref = this.term();
    return this.chainFrom(ref, first);
  }

  private chainFrom(firstRef: ElementRef, start: Pos): Statement {
    this.outPort(firstRef);
    const chain: ElementRef[] = [firstRef];
    while (this.isPunct('->')) {
      this.lx.next();
      const ref = this.term();
      chain.push(ref);
      this.outPort(ref);
    }
    if (chain.length === 1) {
      if (firstRef.decl !== undefined && !firstRef.decl.anonymous) return firstRef.decl;
      // `Idle;` or `Counter(x);`: a lone anonymous element (resolved when flattening)
      const t = this.lx.peek();
      if (t.kind !== 'eof' && !(t.kind === 'punct' && (t.text === ';' || t.text === '}' || t.text === '||'))) {
        throw new ClickSyntaxError(`expected '::', '->' or ';' after '${firstRef.name}', found ${describe(t)}`, t.line, t.column);
      }
      const c: Connection = { kind: 'connection', chain, line: start.line, column: start.column };
      return c;
    }
    return { kind: 'connection', chain, line: start.line, column: start.column };
  }

  private outPort(ref: ElementRef): void {
    if (this.isPunct('[')) ref.outPort = this.port();
  }

  private port(): number {
    this.expect('punct', '[');
    const n = this.expect('number');
    this.expect('punct', ']');
    return Number(n.text);
  }

  private term(): ElementRef {
    let inPort: number | undefined;
    const start = this.lx.peek();
    if (this.isPunct('[')) inPort = this.port();
    const t = this.lx.peek();
    if (t.kind === 'punct' && t.text === '{') {
      throw new ClickSyntaxError('anonymous compound elements are not supported; declare an elementclass', t.line, t.column);
    }
    const name = this.expect('ident');
    const ref = this.elementAfterName(name);
    if (inPort !== undefined) {
      ref.inPort = inPort;
      // a connection error points at the arrow's target, `[port]` included
      ref.line = start.line;
      ref.column = start.column;
    }
    return ref;
  }

  /** After a name: `n :: Class(cfg)`, `Class(cfg)` (anonymous), or a plain reference. */
  private elementAfterName(t: Token): ElementRef {
    if (this.isPunct('::')) {
      this.lx.next();
      const decl = this.classSpec([{ name: t.text, line: t.line, column: t.column }], false);
      return { name: t.text, decl, line: t.line, column: t.column };
    }
    if (this.isPunct('(')) {
      const decl = this.anonymousDecl(t);
      return { name: decl.names[0]?.name as string, decl, line: t.line, column: t.column };
    }
    return { name: t.text, line: t.line, column: t.column };
  }

  private anonymousDecl(cls: Token): Declaration {
    this.anon += 1;
    const name = `${cls.text}@${this.anon}`;
    const open = this.expect('punct', '(');
    const config = this.lx.readConfig(open);
    return {
      kind: 'declaration',
      names: [{ name, line: cls.line, column: cls.column }],
      className: cls.text,
      classPos: { line: cls.line, column: cls.column },
      config,
      configPos: { line: open.line, column: open.column + 1 },
      anonymous: true,
      line: cls.line,
      column: cls.column,
    };
  }

  private classSpec(names: Array<{ name: string } & Pos>, anonymous: boolean): Declaration {
    const cls = this.expect('ident');
    const decl: Declaration = {
      kind: 'declaration',
      names,
      className: cls.text,
      classPos: { line: cls.line, column: cls.column },
      anonymous,
      line: (names[0] ?? cls).line,
      column: (names[0] ?? cls).column,
    };
    if (this.isPunct('(')) {
      const open = this.lx.next();
      decl.config = this.lx.readConfig(open);
      decl.configPos = { line: open.line, column: open.column + 1 };
    }
    return decl;
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the file';
  return `'${t.text}'`;
}

/**
 * Click's argument splitting of a configuration string: commas at the top level separate
 * arguments; parentheses, brackets and quotes group. Arguments are trimmed; an empty
 * configuration has no arguments.
 *
 * @example
 * splitConfig('12/0806, 12/0800 20/06, -') // ['12/0806', '12/0800 20/06', '-']
 */
export function splitConfig(config: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < config.length; i++) {
    const c = config[i] as string;
    if (quote !== undefined) {
      cur += c;
      if (c === '\\' && quote === '"' && i + 1 < config.length) cur += config[++i];
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out;
}
