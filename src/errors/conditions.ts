/**
 * Errors named for the condition, as Tacker names its exceptions (VnfInstanceNotFound, VnfInstanceConflictState):
 * the code that raises one says what happened, the message is built here once, and the HTTP status comes from
 * the kind each extends (one mapping: AppError.status, rendered by the API's problem-details plugin).
 */
import { AppError } from './app-error';
import { ConflictError, NotFoundError, ServiceUnavailableError, UnprocessableEntityError } from './http-errors';

export class VnfInstanceNotFoundError extends NotFoundError {
  constructor(readonly vnfInstanceId: string) {
    super(`VNF instance ${vnfInstanceId} does not exist`);
  }
}

export class OpOccNotFoundError extends NotFoundError {
  constructor(readonly opOccId: string) {
    super(`VNF LCM operation occurrence ${opOccId} does not exist`);
  }
}

export class VnfcNotFoundError extends NotFoundError {
  constructor(vnfInstanceId: string, vnfcId: string) {
    super(`VNF instance ${vnfInstanceId} has no VNFC ${vnfcId}`, { field: 'vnfcInstanceId' });
  }
}

/** One operation at a time per instance (SOL003 5.4.x.3.1: 409). */
export class InstanceBusyError extends ConflictError {
  constructor(vnfInstanceId: string, activeOpOccId: string) {
    super(
      `VNF instance ${vnfInstanceId} has operation ${activeOpOccId} in progress ` +
        '(or in FAILED_TEMP: retry, roll back or fail it first; or failed, with its VIM resources being released)',
    );
  }
}

/** The instance's instantiationState does not allow the operation. */
export class InstantiationStateConflictError extends ConflictError {
  constructor(what: string, needed: readonly string[], actual: string) {
    super(`${what} needs the VNF instance to be ${needed.join(' or ')}; it is ${actual}`, {
      field: 'instantiationState',
    });
  }
}

/** The op-occ's operationState does not allow the task (retry, rollback, fail, cancel). */
export class OperationStateConflictError extends ConflictError {
  constructor(opOccId: string, state: string, task: string, from: readonly string[]) {
    super(`operation ${opOccId} is ${state}; ${task} needs ${from.join(' or ')}`, { field: 'operationState' });
  }
}

/**
 * A well-formed request that asks what this VNF cannot do: a flavour, level or aspect its VNFD lacks, a
 * scale level out of range, a VNFC it does not have, a state it is in already (422 naming the field).
 */
export class RequestNotApplicableError extends UnprocessableEntityError {
  constructor(message: string, field: string) {
    super(message, { field });
  }
}

/**
 * The NFVO's grant names what this VNFM cannot use: a VIM connection or a zone the grant does not define, a
 * VIM it cannot reach, VNFCs of one VDU in two zones. The message starts with the grant's field.
 */
export class GrantNotApplicableError extends UnprocessableEntityError {
  constructor(field: string, message: string) {
    super(`the grant's ${field} cannot be used: ${message}`, { field });
  }
}

/** The NFVO refused a grant (or could not decide): its ProblemDetails, as it sent them, end the operation. */
export class GrantRefusedError extends AppError {
  readonly status: number;
  readonly title: string;
  constructor(problem: { status?: number; title?: string; detail?: string }) {
    super(`the NFVO refused the grant: ${problem.detail ?? problem.title ?? 'no detail given'}`);
    this.status = typeof problem.status === 'number' && problem.status >= 400 ? problem.status : 403;
    this.title = problem.title ?? 'Forbidden';
  }
}

/**
 * A Keystone token (X-Auth-Token) could not be checked: Keystone did not answer, or refused the VNFM's own
 * service credentials. 503: the token may well be valid. The message names Keystone and why, never the token.
 */
export class KeystoneUnavailableError extends ServiceUnavailableError {
  constructor(
    readonly keystoneUrl: string,
    why = 'did not answer',
  ) {
    super(`could not validate the token: Keystone at ${keystoneUrl} ${why}`);
  }
}
