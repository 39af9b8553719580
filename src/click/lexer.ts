import type { Pos } from './ast';

export type TokenKind = 'ident' | 'number' | 'variable' | 'punct' | 'eof';

export interface Token extends Pos {
  kind: TokenKind;
  text: string;
  offset: number;
}

/** A syntax error at a position; the parser collects them as diagnostics. */
export class ClickSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ClickSyntaxError';
  }
}

const PUNCT = ['...', '::', '->', '=>', '||', '[', ']', '{', '}', ';', ',', '|', '(', ')'];

/**
 * An on-demand lexer: the parser asks for tokens one at a time, and for a configuration string
 * after `(` (raw text up to the matching `)`, quotes and nested parentheses respected, comments removed).
 */
export class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;
  private peeked: Token | undefined;

  constructor(private readonly src: string) {}

  peek(): Token {
    this.peeked ??= this.lex();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  pos(): Pos {
    return { line: this.line, column: this.col };
  }

  private advance(n = 1): void {
    if (n > 1 && this.src.indexOf('\n', this.i) >= this.i + n) {
      // fast path: no newline in the span
      this.i += n;
      this.col += n;
      return;
    }
    for (let k = 0; k < n; k++) {
      if (this.src[this.i] === '\n') {
        this.line += 1;
        this.col = 1;
      } else {
        this.col += 1;
      }
      this.i += 1;
    }
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) return;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f') {
        this.advance();
      } else if (c === '/' && this.src[this.i + 1] === '/') {
        while (this.i < this.src.length && this.src[this.i] !== '\n') this.advance();
      } else if (c === '/' && this.src[this.i + 1] === '*') {
        const start = this.pos();
        this.advance(2);
        while (this.i < this.src.length && !(this.src[this.i] === '*' && this.src[this.i + 1] === '/')) this.advance();
        if (this.i >= this.src.length) throw new ClickSyntaxError('unterminated /* comment', start.line, start.column);
        this.advance(2);
      } else if (c === '#' && this.col === 1) {
        // preprocessor-like lines (#include etc.) are not Click; treat as a comment like click-flatten does for #!
        while (this.i < this.src.length && this.src[this.i] !== '\n') this.advance();
      } else {
        return;
      }
    }
  }

  private lex(): Token {
    this.skipSpaceAndComments();
    const start = { line: this.line, column: this.col, offset: this.i };
    const c = this.src[this.i];
    if (c === undefined) return { kind: 'eof', text: '', ...start };
    const rest = this.src.slice(this.i, this.i + 3);
    if (isIdentStart(c.charCodeAt(0))) {
      let j = this.i + 1;
      while (j < this.src.length && isIdentChar(this.src.charCodeAt(j))) {
        if (this.src[j] === '/' && (this.src[j + 1] === '/' || this.src[j + 1] === '*')) break;
        j += 1;
      }
      while (this.src[j - 1] === '/') j -= 1;
      const text = this.src.slice(this.i, j);
      this.advance(j - this.i);
      return { kind: 'ident', text, ...start };
    }
    if (/[0-9]/.test(c)) {
      let j = this.i + 1;
      while (j < this.src.length && /[0-9]/.test(this.src[j] as string)) j += 1;
      const text = this.src.slice(this.i, j);
      this.advance(j - this.i);
      return { kind: 'number', text, ...start };
    }
    if (c === '$') {
      let j = this.i + 1;
      while (j < this.src.length && /[A-Za-z0-9_]/.test(this.src[j] as string)) j += 1;
      if (j === this.i + 1) {
        const at = this.pos();
        this.advance(); // never throw without advancing: recovery must make progress
        throw new ClickSyntaxError("'$' must be followed by a variable name", at.line, at.column);
      }
      const text = this.src.slice(this.i, j);
      this.advance(j - this.i);
      return { kind: 'variable', text, ...start };
    }
    for (const p of PUNCT) {
      if (rest.startsWith(p)) {
        this.advance(p.length);
        return { kind: 'punct', text: p, ...start };
      }
    }
    const at = this.pos();
    this.advance(); // never throw without advancing: recovery must make progress
    throw new ClickSyntaxError(`unexpected character '${c}'`, at.line, at.column);
  }

  /** Reads a configuration string after '(' up to the matching ')', which is consumed. */
  readConfig(open: Pos): string {
    if (this.peeked !== undefined) throw new Error('readConfig after peek');
    let depth = 0;
    let out = '';
    while (this.i < this.src.length) {
      const c = this.src[this.i] as string;
      if (c === '"' || c === "'") {
        const q = this.pos();
        let s = c;
        this.advance();
        while (this.i < this.src.length && this.src[this.i] !== c) {
          if (this.src[this.i] === '\\' && c === '"') {
            s += this.src[this.i];
            this.advance();
          }
          if (this.i < this.src.length) {
            s += this.src[this.i];
            this.advance();
          }
        }
        if (this.i >= this.src.length) throw new ClickSyntaxError('unterminated string', q.line, q.column);
        s += c;
        this.advance();
        out += s;
        continue;
      }
      if (c === '/' && (this.src[this.i + 1] === '/' || this.src[this.i + 1] === '*')) {
        this.skipSpaceAndComments();
        out += ' ';
        continue;
      }
      if (c === '(') depth += 1;
      if (c === ')') {
        if (depth === 0) {
          this.advance();
          return out;
        }
        depth -= 1;
      }
      out += c;
      this.advance();
    }
    throw new ClickSyntaxError("configuration string has no closing ')'", open.line, open.column);
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 47;
}
