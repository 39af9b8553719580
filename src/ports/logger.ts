/**
 * Where adapters report what nobody awaits (BullMQ's 'error' and 'failed' events...). pino's call
 * shape, `log.warn({ err, jobId }, 'message')` or `log.warn('message')`, so a pino logger (Fastify's
 * `app.log`) fits as it is.
 */
export interface Logger {
  debug(msgOrObj: unknown, msg?: string): void;
  info(msgOrObj: unknown, msg?: string): void;
  warn(msgOrObj: unknown, msg?: string): void;
  error(msgOrObj: unknown, msg?: string): void;
}

/** A Logger that drops everything: the default where none is given. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
