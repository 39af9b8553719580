import { AppError, redact, redactText } from '../../errors';

/** Anything that went wrong talking to OpenStack. 502: the VNFM's upstream (the VIM) failed. */
export class OpenStackError extends AppError {
  readonly status: number = 502;
  readonly title: string = 'Bad Gateway';
}

export interface HttpErrorDetails {
  method: string;
  url: string;
  expected: number[];
  actual: number;
  /** The service's own message (from its error body), if any. */
  serviceMessage?: string;
  requestId?: string;
  /** The response body, secrets scrubbed, at most 2000 characters. */
  body?: string;
}

/** A call answered with a status it does not accept. Method, URL, expected and actual status, redacted body. */
export class OpenStackHttpError extends OpenStackError {
  readonly details: HttpErrorDetails;
  constructor(d: HttpErrorDetails) {
    const what = d.serviceMessage ? `: ${redactText(d.serviceMessage)}` : '';
    const requestId = d.requestId ? ` [${d.requestId}]` : '';
    super(`${d.method} ${d.url} answered ${d.actual} (expected ${d.expected.join(' or ')})${what}${requestId}`);
    this.details = {
      ...d,
      ...(d.body !== undefined ? { body: redactText(d.body).slice(0, 2000) } : {}),
      ...(d.serviceMessage !== undefined ? { serviceMessage: redactText(d.serviceMessage) } : {}),
    };
  }
  get httpStatus(): number {
    return this.details.actual;
  }
}

export class OpenStackNotFoundError extends OpenStackHttpError {}
export class OpenStackConflictError extends OpenStackHttpError {}
/** 401 even with a fresh token, or the credentials were refused. */
export class OpenStackAuthError extends OpenStackHttpError {}

/** The service could not be reached at all (refused, reset, timed out). */
export class OpenStackConnectionError extends OpenStackError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly code: string,
    cause?: unknown,
  ) {
    super(`${method} ${url} failed: ${code}`, { cause });
  }
}

/** The configuration (clouds.yaml, OS_* variables) is missing something or the catalog lacks a service. */
export class OpenStackConfigError extends OpenStackError {
  override readonly status = 500;
  override readonly title = 'Internal Server Error';
}

/** waitFor gave up. */
export class OpenStackTimeoutError extends OpenStackError {
  override readonly status = 504;
  override readonly title = 'Gateway Timeout';
}

/** Builds the typed error for a response with an unexpected status. */
export function httpError(
  d: Omit<HttpErrorDetails, 'serviceMessage' | 'body'> & { data: unknown },
): OpenStackHttpError {
  const body = typeof d.data === 'string' ? d.data : d.data === undefined ? undefined : JSON.stringify(redact(d.data));
  const serviceMessage = messageOf(d.data);
  const details: HttpErrorDetails = {
    method: d.method,
    url: d.url,
    expected: d.expected,
    actual: d.actual,
    ...(d.requestId ? { requestId: d.requestId } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(serviceMessage !== undefined ? { serviceMessage } : {}),
  };
  if (d.actual === 404) return new OpenStackNotFoundError(details);
  if (d.actual === 409) return new OpenStackConflictError(details);
  if (d.actual === 401) return new OpenStackAuthError(details);
  return new OpenStackHttpError(details);
}

/** The message OpenStack services put in their error bodies (each in its own shape). */
export function messageOf(data: unknown): string | undefined {
  if (typeof data === 'string') {
    const t = data.trim();
    if (t.startsWith('{')) {
      try {
        return messageOf(JSON.parse(t) as unknown);
      } catch {
        return t.slice(0, 500);
      }
    }
    return t === ''
      ? undefined
      : t
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 500);
  }
  if (data === null || typeof data !== 'object') return undefined;
  const o = data as Record<string, unknown>;
  // Neutron: {NeutronError: {message}}; Nova: {badRequest: {message}} / {itemNotFound: ...};
  // Keystone: {error: {message}}; Heat: {error: {message, type}, explanation}; Glance: text/html
  for (const v of Object.values(o)) {
    if (v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)['message'] === 'string') {
      const m = (v as Record<string, unknown>)['message'] as string;
      const explanation = typeof o['explanation'] === 'string' ? `${o['explanation']} ` : '';
      return `${explanation}${m}`.trim();
    }
  }
  if (typeof o['message'] === 'string') return o['message'];
  if (typeof o['description'] === 'string') return o['description'];
  return undefined;
}

/** Runs a delete; with `ignore` a 404 counts as done (idempotent deletes). */
export async function ignore404(ignore: boolean | undefined, f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (err) {
    if (!(ignore && err instanceof OpenStackNotFoundError)) throw err;
  }
}
