import { Type } from '@sinclair/typebox';
import {
  authenticateNfvo,
  parsePkgmNotification,
  takePkgmNotification,
  type PkgmNotificationDeps,
} from '../../../lcm/packages/nfvo-notifications';
import type { RouteModule } from '../../context';
import { sendNoBody } from '../../no-body';
import { ProblemDetailsSchema } from '../vnflcm/schemas';

/**
 * Where the NFVO delivers its package notifications: the callbackUri of this VNFM's subscription
 * (SOL003 10.4.7). SOL003 lets the consumer choose it; it sits under `/vnfpkgm/v1`, beside the package
 * resources, so that whatever routes the package API to the VNFM routes it too.
 */
export const NFVO_NOTIFICATIONS_PATH = '/vnfpkgm/v1/nfvo_notifications';

const TAG = ['nfvo_notifications'];
const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };

/**
 * The notification endpoint, VNFM side (SOL003 10.4.9 as the NFVO's consumer): `GET` is the NFVO's test of
 * it (SOL013 5.5: 204), `POST` takes a VnfPackageOnboardingNotification or VnfPackageChangeNotification.
 * Both need the Basic credentials this VNFM gave in its subscription (not the API's users: `auth: false`
 * turns the usual check off); any `Version` is taken (the NFVO's API version is its own). The body is
 * checked by parsePkgmNotification (400 naming the field), after the credentials.
 */
export function nfvoNotificationRoutes(deps: PkgmNotificationDeps): RouteModule {
  return (app) => {
    const config = { auth: false, anyVersion: true };
    app.get(NFVO_NOTIFICATIONS_PATH, {
      config,
      schema: {
        tags: TAG,
        summary: "Test of the NFVO's notification endpoint",
        response: { 204: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        await authenticateNfvo(deps.store, req.headers.authorization);
        return sendNoBody(reply.code(204));
      },
    });
    app.post(NFVO_NOTIFICATIONS_PATH, {
      config,
      schema: {
        tags: TAG,
        summary: "Deliver one of the NFVO's VNF package notifications",
        description:
          'A VnfPackageOnboardingNotification or a VnfPackageChangeNotification (SOL003 10.5.2.5, 10.5.2.6), ' +
          "with the Basic credentials of this VNFM's subscription; a notification id already taken is " +
          'acknowledged (204) and not applied again.',
        response: { 204: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        await authenticateNfvo(deps.store, req.headers.authorization);
        const n = parsePkgmNotification(req.body);
        const taken = await takePkgmNotification(deps, n);
        if (taken === 'duplicate') req.log.info(`NFVO notification ${n.id} delivered again: acknowledged, not applied`);
        return sendNoBody(reply.code(204));
      },
    });
  };
}
