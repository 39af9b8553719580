import type { SourceDiagnostic } from '../errors';
import type { ClickAst, CompoundBody, Declaration, ElementClassDef, Pos, Statement } from './ast';
import { lookupElement } from './catalog';
import type { ClickGraph, GraphConnection, GraphElement } from './graph';
import { splitConfig } from './parser';

const INPUT = 'input';
const OUTPUT = 'output';
const MAX_DEPTH = 32;

interface Scope {
  prefix: string;
  classes: Map<string, ElementClassDef>;
  vars: Map<string, string>;
  /** Local element names -> full names */
  names: Map<string, string>;
  compound: boolean;
}

/**
 * Flattens compound elements into one router graph of primitive elements, named as Click names
 * them (`outer/inner`), with `define`/formal `$variables` substituted in configurations.
 */
export function flatten(ast: ClickAst, diagnostics: SourceDiagnostic[]): ClickGraph {
  return new Flattener(ast.file, diagnostics).run(ast.statements);
}

class Flattener {
  private readonly elements = new Map<string, GraphElement>();
  private readonly connections: GraphConnection[] = [];
  private readonly requirements: ClickGraph['requirements'] = [];
  private anon = 0;
  private readonly pending: Array<{ el: GraphElement; def: ElementClassDef; scope: Scope; depth: number }> = [];

  constructor(
    private readonly file: string,
    private readonly diagnostics: SourceDiagnostic[],
  ) {}

  run(statements: Statement[]): ClickGraph {
    const scope: Scope = { prefix: '', classes: new Map(), vars: new Map(), names: new Map(), compound: false };
    this.scope(statements, scope, 0);
    while (this.pending.length > 0) {
      const job = this.pending.shift();
      if (job !== undefined) this.expand(job.el, job.def, job.scope, job.depth);
    }
    this.eliminatePseudo();
    return { elements: this.elements, connections: this.connections, requirements: this.requirements };
  }

  private error(pos: Pos, message: string): void {
    this.diagnostics.push({ file: this.file, line: pos.line, column: pos.column, severity: 'error', message });
  }

  private scope(statements: Statement[], scope: Scope, depth: number): void {
    // classes and defines first: Click lets a class be used before its definition
    for (const st of statements) {
      if (st.kind === 'elementclass') this.defineClass(st, scope);
      if (st.kind === 'define') for (const d of st.defs) scope.vars.set(d.name, d.value);
      if (st.kind === 'require')
        for (const a of st.args)
          this.requirements.push({
            name: a.replace(/^package\s+/, '').replace(/^"|"$/g, ''),
            line: st.line,
            column: st.column,
          });
    }
    if (scope.compound) {
      scope.names.set(INPUT, `${scope.prefix}${INPUT}`);
      scope.names.set(OUTPUT, `${scope.prefix}${OUTPUT}`);
    }
    for (const st of statements) if (st.kind === 'declaration') this.declare(st, scope, depth);
    for (const st of statements) {
      if (st.kind !== 'connection') continue;
      const resolved = st.chain.map((ref) => {
        if (ref.decl !== undefined) return this.declare(ref.decl, scope, depth)[0];
        const local = scope.names.get(ref.name);
        if (local !== undefined) return local;
        if (lookupElement(ref.name) !== undefined || scope.classes.has(ref.name)) {
          const decl: Declaration = {
            kind: 'declaration',
            names: [{ name: ref.name, line: ref.line, column: ref.column }],
            className: ref.name,
            classPos: ref,
            anonymous: true,
            line: ref.line,
            column: ref.column,
          };
          return this.declare(decl, scope, depth)[0];
        }
        this.error(
          ref,
          /^[a-z_]/.test(ref.name) ? `undeclared element '${ref.name}'` : `unknown element class '${ref.name}'`,
        );
        return undefined;
      });
      for (let i = 0; i + 1 < st.chain.length; i++) {
        const from = resolved[i];
        const to = resolved[i + 1];
        const a = st.chain[i];
        const b = st.chain[i + 1];
        if (from === undefined || to === undefined || a === undefined || b === undefined) continue;
        this.connections.push({
          from,
          fromPort: a.outPort ?? 0,
          to,
          toPort: b.inPort ?? 0,
          line: b.line,
          column: b.column,
        });
      }
    }
  }

  private defineClass(def: ElementClassDef, scope: Scope): void {
    const prev = scope.classes.get(def.name);
    if (def.alias === undefined && def.alternatives.some((a) => a.inherit) && prev !== undefined) {
      scope.classes.set(def.name, {
        ...def,
        alternatives: [...def.alternatives.filter((a) => !a.inherit), ...prev.alternatives],
      });
      return;
    }
    scope.classes.set(def.name, def);
  }

  /** Declares the names of a declaration in the scope; returns their full names. */
  private declare(decl: Declaration, scope: Scope, depth: number): string[] {
    const config = substitute(decl.config ?? '', scope.vars);
    const out: string[] = [];
    for (const n of decl.names) {
      if (n.name === INPUT || n.name === OUTPUT) {
        this.error(n, `'${n.name}' is reserved for compound element ports`);
        continue;
      }
      // Click numbers anonymous elements `Class@N` in order of appearance
      const local = decl.anonymous ? `${decl.className}@${++this.anon}` : n.name;
      const full = `${scope.prefix}${local}`;
      const existing = this.elements.get(full);
      if (existing !== undefined) {
        this.error(
          n,
          `redeclaration of element '${n.name}' (first declared at line ${existing.line}, column ${existing.column})`,
        );
        out.push(full);
        continue;
      }
      let className = decl.className;
      let def = scope.classes.get(className);
      for (let hops = 0; def?.alias !== undefined && hops < 16; hops++) {
        className = def.alias;
        def = scope.classes.get(className);
      }
      const el: GraphElement = {
        name: full,
        className,
        config,
        classPos: decl.classPos,
        anonymous: decl.anonymous,
        line: n.line,
        column: n.column,
      };
      this.elements.set(full, el);
      if (!decl.anonymous) scope.names.set(n.name, full);
      if (def !== undefined) this.pending.push({ el, def, scope, depth: depth + 1 });
      out.push(full);
    }
    return out;
  }

  /** Replaces a compound element by its body, named `<name>/<inner>`. */
  private expand(el: GraphElement, def: ElementClassDef, outer: Scope, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.error(
        el.classPos,
        `compound element class '${def.name}' nests deeper than ${MAX_DEPTH} levels (recursive definition?)`,
      );
      this.elements.delete(el.name);
      return;
    }
    const args = splitConfig(el.config);
    const alt =
      def.alternatives.find((a) => !a.inherit && a.formals.length === args.length) ??
      pickVariadic(def.alternatives, args.length);
    if (alt === undefined) {
      const counts = def.alternatives.filter((a) => !a.inherit).map((a) => a.formals.length);
      this.error(
        el.classPos,
        `'${def.name}' takes ${counts.join(' or ')} argument(s), but '${el.name}' gives ${args.length}`,
      );
      this.elements.delete(el.name);
      return;
    }
    const vars = new Map(outer.vars);
    alt.formals.forEach((f, i) => vars.set(f.name, args[i] ?? ''));
    // the compound element itself becomes two pseudo elements: <name>/input and <name>/output
    this.elements.delete(el.name);
    for (const c of this.connections) {
      if (c.to === el.name) c.to = `${el.name}/${INPUT}`;
      if (c.from === el.name) c.from = `${el.name}/${OUTPUT}`;
    }
    const scope: Scope = {
      prefix: `${el.name}/`,
      classes: new Map(outer.classes),
      vars,
      names: new Map(),
      compound: true,
    };
    this.scope(alt.statements, scope, depth);
  }

  /** Removes the input/output pseudo elements, joining what enters them with what leaves them. */
  private eliminatePseudo(): void {
    const isPseudo = (n: string): boolean => n.endsWith(`/${INPUT}`) || n.endsWith(`/${OUTPUT}`);
    // one pseudo element at a time: joining edges may create edges to another pseudo element
    for (let guard = 0; guard < 100_000; guard++) {
      const p = this.connections
        .map((c) => (isPseudo(c.from) ? c.from : isPseudo(c.to) ? c.to : undefined))
        .find((x) => x !== undefined);
      if (p === undefined) return;
      const next = this.connections.filter((c) => c.from !== p && c.to !== p);
      const ins = this.connections.filter((c) => c.to === p);
      const outs = this.connections.filter((c) => c.from === p);
      for (const i of ins) {
        const matching = outs.filter((o) => o.fromPort === i.toPort);
        if (matching.length === 0) {
          const side = p.endsWith(INPUT) ? 'input' : 'output';
          this.error(i, `compound element '${p.slice(0, p.lastIndexOf('/'))}' has no ${side} ${i.toPort} inside`);
        }
        for (const o of matching)
          next.push({ from: i.from, fromPort: i.fromPort, to: o.to, toPort: o.toPort, line: i.line, column: i.column });
      }
      this.connections.length = 0;
      this.connections.push(...next);
    }
  }
}

function pickVariadic(alts: CompoundBody[], n: number): CompoundBody | undefined {
  return n === 0 ? alts.find((a) => !a.inherit && a.formals.length === 0) : undefined;
}

/** Replaces `$name` and `${name}` by their values (unknown variables are left as they are). */
export function substitute(text: string, vars: ReadonlyMap<string, string>): string {
  if (!text.includes('$')) return text;
  return text.replace(
    /\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)/g,
    (m, a: string | undefined, b: string | undefined) => vars.get(`$${a ?? b ?? ''}`) ?? m,
  );
}
