import { UnprocessableEntityError } from './http-errors';

/**
 * An outbound URL (a subscription's callback, a consumer's token endpoint) that the VNFM will not
 * call. The message names the rule, never the URL or what it answered.
 */
export class DisallowedDestinationError extends UnprocessableEntityError {
  constructor(
    readonly rule: string,
    field = 'url',
  ) {
    super(`the URL is not an allowed destination: ${rule}`, { field });
  }
}

/**
 * Parses an outbound URL (WHATWG: decimal, octal and hex IPv4 forms come out as dotted quads) and
 * checks what does not need DNS: http/https only, no userinfo. The address checks are notify's.
 */
export function parseOutboundUrl(url: string, field = 'url'): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DisallowedDestinationError('not a valid URL', field);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new DisallowedDestinationError('only http and https are allowed', field);
  if (u.username !== '' || u.password !== '')
    throw new DisallowedDestinationError('credentials in the URL are not allowed (use authentication)', field);
  if (u.hostname === '') throw new DisallowedDestinationError('no host', field);
  return u;
}
