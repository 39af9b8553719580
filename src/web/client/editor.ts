import { EditorView, basicSetup } from 'codemirror';
import { StreamLanguage, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, forceLinting, type Diagnostic } from '@codemirror/lint';
import { tags as t } from '@lezer/highlight';
import { checkClick, exportGraph, type GraphJson } from '../../click';

/** Click's language for highlighting: comments, strings, keywords, element classes, `::`, `->`, $variables. */
const clickMode = StreamLanguage.define<{ inComment: boolean }>({
  startState: () => ({ inComment: false }),
  token(stream, state) {
    if (state.inComment) {
      if (stream.skipTo('*/')) {
        stream.match('*/');
        state.inComment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.inComment = true;
      return 'comment';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^(elementclass|require|define|input|output)\b/)) return 'keyword';
    if (stream.match(/^(->|::|=>|\|\||\.\.\.)/)) return 'operator';
    if (stream.match(/^\$[A-Za-z_][\w]*/)) return 'variableName';
    if (stream.match(/^\d+(\.\d+)?/)) return 'number';
    if (stream.match(/^[A-Z][\w@/]*/)) return 'typeName';
    if (stream.match(/^[a-z_][\w@/]*/)) return 'name';
    stream.next();
    return null;
  },
  tokenTable: {},
});

const style = HighlightStyle.define([
  { tag: t.comment, color: '#6a737d', fontStyle: 'italic' },
  { tag: t.string, color: '#032f62' },
  { tag: t.keyword, color: '#d73a49', fontWeight: 'bold' },
  { tag: t.operator, color: '#d73a49' },
  { tag: t.typeName, color: '#6f42c1', fontWeight: 'bold' },
  { tag: t.variableName, color: '#e36209' },
  { tag: t.number, color: '#005cc5' },
]);

export interface ClickEditor {
  view: EditorView;
  text(): string;
  set(text: string): void;
  /** Runs the Click toolkit: the diagnostics (shown inline) and the element graph, if it parses. */
  validate(): { errors: number; diagnostics: Diagnostic[]; graph?: GraphJson };
}

/** CodeMirror 6 with Click highlighting; Validate shows the toolkit's errors inline (line, column, message). */
export function clickEditor(parent: HTMLElement, initial: string): ClickEditor {
  let enabled = false;
  const lint = linter(
    (view) => {
      if (!enabled) return [];
      return diagnosticsOf(view.state.doc.toString(), view);
    },
    { delay: 100 },
  );
  const view = new EditorView({
    doc: initial,
    extensions: [basicSetup, clickMode, syntaxHighlighting(style), lintGutter(), lint],
    parent,
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    set: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    validate: () => {
      enabled = true;
      forceLinting(view);
      const text = view.state.doc.toString();
      const r = checkClick(text, { file: 'config.click' });
      const diagnostics = diagnosticsOf(text, view);
      return {
        errors: diagnostics.filter((d) => d.severity === 'error').length,
        diagnostics,
        ...(r.graph ? { graph: exportGraph(r.graph) } : {}),
      };
    },
  };
}

function diagnosticsOf(text: string, view: EditorView): Diagnostic[] {
  const r = checkClick(text, { file: 'config.click' });
  const doc = view.state.doc;
  return r.diagnostics.map((d) => {
    const line = doc.line(Math.min(Math.max(1, d.line), doc.lines));
    const from = Math.min(line.from + Math.max(0, d.column - 1), line.to);
    // mark the word at the position (the element or class name the message is about)
    const word = /^[\w@/:$.-]+/.exec(line.text.slice(from - line.from))?.[0].length ?? 1;
    return {
      from,
      to: Math.min(line.to, from + Math.max(1, word)),
      severity: d.severity === 'error' ? 'error' : 'warning',
      message: `${d.line}:${d.column}: ${d.message}`,
    };
  });
}
