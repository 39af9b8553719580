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
  constructor(message: string, private readonly challenge = 'Bearer realm="clickvnfm", Basic realm="clickvnfm"') {
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
  constructor(message: string, private readonly allow: readonly string[]) {
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

/** 503: a dependency (Redis, the VIM) is unavailable. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly title = 'Service Unavailable';
}
