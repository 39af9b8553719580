/**
 * The declaration and connection grammar of the Click parser: `a, b :: C(cfg)`, `a[0] -> [1]b` chains,
 * anonymous elements.
 */
import type { Connection, Declaration, ElementRef, Pos, Statement } from './ast';
import { ClickSyntaxError, Lexer, type Token } from './lexer';

/**
 * The token helpers and the element/connection productions; parser.ts adds statements, element classes
 * and recovery.
 */
export class ElementParser {
  protected readonly lx: Lexer;
  private anon = 0;

  constructor(src: string) {
    this.lx = new Lexer(src);
  }

  protected expect(kind: Token['kind'], text?: string): Token {
    const t = this.lx.peek();
    if (t.kind !== kind || (text !== undefined && t.text !== text)) {
      const want = text !== undefined ? `'${text}'` : kind === 'ident' ? 'a name' : kind;
      // NOTE: the offending token is not consumed, so recovery can stop at it when it is ';'
      throw new ClickSyntaxError(`expected ${want}, found ${describe(t)}`, t.line, t.column);
    }
    return this.lx.next();
  }

  protected isPunct(text: string): boolean {
    const t = this.lx.peek();
    return t.kind === 'punct' && t.text === text;
  }

  protected connectionOrDeclaration(): Statement {
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
        throw new ClickSyntaxError(
          `expected '::', '->' or ';' after '${firstRef.name}', found ${describe(t)}`,
          t.line,
          t.column,
        );
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
      throw new ClickSyntaxError(
        'anonymous compound elements are not supported; declare an elementclass',
        t.line,
        t.column,
      );
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
