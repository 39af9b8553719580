import type { ProblemDetails as ProblemDetailsSchemaType } from '../domain/schemas/common';

/**
 * The type of src/domain/schemas/common.ts's ProblemDetailsSchema (with the extensions `field`, the
 * request field that failed validation, and `errors`, further per-field reasons), open to more members.
 */
export type ProblemDetails = ProblemDetailsSchemaType & { [extension: string]: unknown };

/**
 * The root of the project's error hierarchy. Every error that may reach an API client is an AppError
 * subclass named for what went wrong; `toProblemDetails()` renders it (RFC 7807 / SOL013 6.4).
 *
 * @see ETSI GS NFV-SOL 013 v2.6.1 clause 6.4 (ProblemDetails)
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly field: string | undefined;
  readonly errors: ProblemDetails['errors'];

  constructor(message: string, options?: { field?: string; errors?: ProblemDetails['errors']; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.field = options?.field;
    this.errors = options?.errors;
  }

  /** Extra response headers this error needs (e.g. `Allow` for 405, `WWW-Authenticate` for 401). */
  headers(): Record<string, string> {
    return {};
  }

  toProblemDetails(instance?: string): ProblemDetails {
    const pd: ProblemDetails = { status: this.status, title: this.title, detail: this.message };
    if (instance !== undefined) pd.instance = instance;
    if (this.field !== undefined) pd.field = this.field;
    if (this.errors !== undefined && this.errors.length > 0) pd.errors = this.errors;
    return pd;
  }
}
