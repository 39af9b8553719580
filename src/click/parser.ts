/**
 * The Click parser's entry point: statements, `require`/`define`, element classes and compounds, error
 * recovery; and splitConfig.
 */
import type { SourceDiagnostic } from '../errors';
import type { ClickAst, CompoundBody, ElementClassDef, Statement } from './ast';
import { ElementParser } from './element-parser';
import { ClickSyntaxError, type Token } from './lexer';

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

class Parser extends ElementParser {
  readonly diagnostics: SourceDiagnostic[] = [];

  constructor(
    src: string,
    private readonly file: string,
  ) {
    super(src);
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
    this.diagnostics.push({
      file: this.file,
      line: err.line,
      column: err.column,
      severity: 'error',
      message: err.message,
    });
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
        if (m === null)
          throw new ClickSyntaxError(`define(): '${a.trim()}' is not '$name value'`, open.line, open.column);
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
      return {
        kind: 'elementclass',
        name: name.text,
        alias: alias.text,
        alternatives: [],
        line: kw.line,
        column: kw.column,
      };
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
