import { AppError, redactText } from '../errors';

/**
 * The in-VM API failed or said no. Carries the method, URL and a redacted body; the LCM engine
 * turns it into the op-occ's error. 502: the VNFM's upstream (the VM) misbehaved.
 */
export class AgentError extends AppError {
  readonly status: number = 502;
  readonly title: string = 'Bad Gateway';
  constructor(
    message: string,
    readonly details: { method?: string; url?: string; httpStatus?: number; body?: string } = {},
    cause?: unknown,
  ) {
    super(message, { cause });
    if (details.body !== undefined) this.details.body = redactText(details.body).slice(0, 2000);
  }
}

/** The VM's management API never answered within the deadline. */
export class AgentNotReadyError extends AgentError {
  override readonly status = 504;
  override readonly title = 'Gateway Timeout';
  constructor(
    readonly address: string,
    readonly waitedMs: number,
    lastError: string,
    subject?: string,
  ) {
    super(
      `${subject !== undefined ? `${subject}: ` : ''}` +
        `the management API at ${address} did not become ready within ${Math.round(waitedMs / 1000)} s ` +
        `(waited ${waitedMs} ms; last error: ${lastError})`,
    );
  }
}

/** Click rejected the configuration; `clickMessage` is Click's own error text. */
export class ClickConfigError extends AgentError {
  override readonly status = 422;
  override readonly title = 'Unprocessable Entity';
  constructor(
    readonly address: string,
    readonly clickMessage: string,
  ) {
    super(`Click at ${address} rejected the configuration: ${clickMessage}`);
  }
}
