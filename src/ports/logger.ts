/**
 * The logger every part is handed (pino in production, the one Fastify logs requests with; tests pass
 * a quiet one). Messages only: no secret may appear in one (redact at the source).
 */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const QUIET_LOGGER: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
