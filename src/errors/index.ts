export { AppError, type ProblemDetails } from './app-error';
export * from './http-errors';
export { SourceError, formatDiagnostic, type SourceLocation, type SourceDiagnostic } from './source-error';
export { redact, redactText } from './redact';
export { DisallowedDestinationError, parseOutboundUrl } from './outbound-url';
export * from './conditions';
