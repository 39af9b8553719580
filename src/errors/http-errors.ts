import { AppError } from './app-error';

/** 400: malformed JSON, a schema violation, a bad query parameter. */
export class BadRequestError extends AppError {
  readonly status = 400;
  readonly title = 'Bad Request';
}

/** 401: no or bad credentials. */
export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly title = 'Unauthorized';
  constructor(
    message: string,
    private readonly challenge = 'Bearer realm="clickvnfm", Basic realm="clickvnfm"',
  ) {
    super(message);
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': this.challenge };
  }
}

/** 403: authenticated, but not allowed. */
export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly title = 'Forbidden';
}

/** 404: unknown resource or route. */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly title = 'Not Found';
}

/** 405: a method the path does not support. */
export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  readonly title = 'Method Not Allowed';
  constructor(
    message: string,
    private readonly allow: readonly string[],
  ) {
    super(message);
  }
  override headers(): Record<string, string> {
    return { Allow: this.allow.join(', ') };
  }
}

/** 406: an API version or media type we cannot serve. */
export class NotAcceptableError extends AppError {
  readonly status = 406;
  readonly title = 'Not Acceptable';
}

/** 409: the resource's state does not allow the request. */
export class ConflictError extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
}

/** 412: an If-Match precondition failed. */
export class PreconditionFailedError extends AppError {
  readonly status = 412;
  readonly title = 'Precondition Failed';
}

/** 413: the body is over the limit. */
export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly title = 'Payload Too Large';
}

/** 422: well-formed, but semantically unprocessable (e.g. an unknown or disabled VNF package). */
export class UnprocessableEntityError extends AppError {
  readonly status = 422;
  readonly title = 'Unprocessable Entity';
}

/** 503: a dependency (Redis, the VIM) is unavailable; with `retryAfterSeconds`, `Retry-After` says when to retry. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly title = 'Service Unavailable';
  constructor(
    message: string,
    private readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  override headers(): Record<string, string> {
    return this.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(Math.ceil(this.retryAfterSeconds)) };
  }
}

/** 414: a path segment (an id) over the router's length limit. */
export class UriTooLongError extends AppError {
  readonly status = 414;
  readonly title = 'URI Too Long';
}

/** 415: a request body in a media type the resource does not take. */
export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly title = 'Unsupported Media Type';
}

/** 429: too many requests (e.g. token guesses); `Retry-After` says when to come back. */
export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly title = 'Too Many Requests';
  constructor(
    message: string,
    private readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
  override headers(): Record<string, string> {
    return { 'Retry-After': String(Math.max(1, Math.ceil(this.retryAfterSeconds))) };
  }
}

/** Any other 4xx that a framework raised, kept at its own status. */
export class ClientHttpError extends AppError {
  readonly title: string;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.title = STATUS_TITLES[status] ?? 'Bad Request';
  }
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  411: 'Length Required',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
};
