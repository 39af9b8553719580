import { NotAcceptableError } from '../../errors';
import { routeFlag, type ApiApp } from '../context';

/**
 * SOL013 4.9 API versioning: a request's `Version` header names the API version it wants;
 * without it, 1.3.0 is assumed; an unsupported one is refused with 406. Every response carries
 * the version served.
 *
 * @see ETSI GS NFV-SOL 013 v2.6.1 clause 4.9.2
 */
export const API_VERSION = '1.3.0';
export const SUPPORTED_VERSIONS: readonly string[] = [API_VERSION];

export function versionPlugin(app: ApiApp): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const asked = req.headers['version'];
    if (asked === undefined || routeFlag(req, 'anyVersion') === true) return done();
    const v = Array.isArray(asked) ? asked[0] : asked;
    if (v !== undefined && !SUPPORTED_VERSIONS.includes(v.trim())) {
      return done(
        new NotAcceptableError(`API version ${v} is not supported; supported: ${SUPPORTED_VERSIONS.join(', ')}`, {
          field: 'Version',
        }),
      );
    }
    done();
  });
  // a callback hook, not an async one: no promise per answer
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('Version', API_VERSION);
    done(null, payload);
  });
}
