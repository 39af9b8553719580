import { BadRequestError } from './http-errors';

/** A position in a source file (VNFD YAML, Click configuration): 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One diagnostic pinned to file:line:column, as compilers print them. */
export interface SourceDiagnostic extends SourceLocation {
  severity: 'error' | 'warning';
  message: string;
}

/**
 * A bad input file: every diagnostic is listed, each with file:line:column.
 * Rendered as a 400 (or 422 by the caller) with `errors[]` carrying the positions.
 */
export class SourceError extends BadRequestError {
  readonly diagnostics: readonly SourceDiagnostic[];
  constructor(diagnostics: readonly SourceDiagnostic[], summary?: string) {
    const errs = diagnostics.filter((d) => d.severity === 'error');
    super(summary ?? errs.map(formatDiagnostic).join('\n'), {
      errors: diagnostics.map((d) => ({ reason: d.message, file: d.file, line: d.line, column: d.column })),
    });
    this.diagnostics = diagnostics;
  }
}

/** `file:line:column: error: message` */
export function formatDiagnostic(d: SourceDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}
