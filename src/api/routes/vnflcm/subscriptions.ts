import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import {
  DisallowedDestinationError,
  NotFoundError,
  parseOutboundUrl,
  UnprocessableEntityError,
  redactText,
} from '../../../errors';
import {
  LCCN_SUBSCRIPTION_ATTRIBUTES,
  type LccnSubscription,
  type StoredSubscription,
} from '../../../domain/subscription';
import {
  LccnSubscriptionRequestSchema,
  LccnSubscriptionSchema,
  VnfIdentifierCreationNotificationSchema,
  VnfIdentifierDeletionNotificationSchema,
  VnfLcmOperationOccurrenceNotificationSchema,
} from '../../../domain/schemas';
import type { Repository } from '../../../ports/store';
import type { RouteModule } from '../../context';
import { sendNoBody } from '../../no-body';
import { ListOf, ListQuerySchema, parseListQuery, sendPage } from '../../list-query';
import { ProblemDetailsSchema } from './schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
/**
 * The notifications a subscription brings, as OpenAPI callbacks of its POST (for the document only:
 * Fastify ignores them). @see SOL003 5.4.20 (Notification endpoint)
 */
const NOTIFICATIONS = {
  VnfLcmOperationOccurrenceNotification: VnfLcmOperationOccurrenceNotificationSchema,
  VnfIdentifierCreationNotification: VnfIdentifierCreationNotificationSchema,
  VnfIdentifierDeletionNotification: VnfIdentifierDeletionNotificationSchema,
};
const callbacks = Object.fromEntries(
  Object.entries(NOTIFICATIONS).map(([name, schema]) => [
    name,
    {
      '{$request.body#/callbackUri}': {
        post: {
          requestBody: { required: true, content: { 'application/json': { schema } } },
          responses: { 204: { description: 'The notification was delivered' } },
        },
      },
    },
  ]),
);
const createSchema = {
  tags: ['subscriptions'],
  summary: 'Subscribe to LCM notifications',
  body: LccnSubscriptionRequestSchema,
  response: { 201: LccnSubscriptionSchema, 303: Type.Null(), ...errors },
  callbacks,
};
const Params = Type.Object({ subscriptionId: Type.String({ minLength: 1, maxLength: 128 }) });

export interface SubscriptionDeps {
  subscriptions: Repository<StoredSubscription>;
  /**
   * Tests the callback: GET must answer 204 (SOL013 7.1.3). The VNFM's callConsumer checks the
   * callback URI and token endpoint against the outbound policy and throws DisallowedDestinationError.
   */
  testCallback(sub: StoredSubscription): Promise<void>;
}

function publicView(s: StoredSubscription): LccnSubscription {
  return {
    id: s.id,
    ...(s.filter !== undefined ? { filter: s.filter } : {}),
    callbackUri: s.callbackUri,
    _links: s._links,
  };
}

const TOKEN_ENDPOINT_FIELD = 'authentication.paramsOauth2ClientCredentials.tokenEndpoint';
/** The only thing a failed callback test tells the client: what the target answered is not an oracle. */
export const CALLBACK_TEST_FAILED = 'the callback URI did not answer the test GET with 204';

/** A refused destination, in the words of the field that named it: the rule, never the URL. */
function refused(err: DisallowedDestinationError): UnprocessableEntityError {
  const tokenEndpoint = err.field === TOKEN_ENDPOINT_FIELD;
  return new UnprocessableEntityError(
    `${tokenEndpoint ? 'the token endpoint' : 'the callback URI'} is not an allowed destination: ${err.rule}`,
    { field: tokenEndpoint ? TOKEN_ENDPOINT_FIELD : 'callbackUri' },
  );
}

/** `/vnflcm/v1/subscriptions`: create (callback tested, duplicates 303), list, get, delete. @see SOL003 5.4.18 - 5.4.19 */
export function subscriptionRoutes(deps: SubscriptionDeps): RouteModule {
  return (app, ctx) => {
    app.post('/vnflcm/v1/subscriptions', {
      schema: createSchema,
      handler: async (req, reply) => {
        const body = req.body;
        const a = body.authentication;
        if (a?.authType.includes('BASIC') && a.paramsBasic === undefined)
          throw new UnprocessableEntityError('authType BASIC needs paramsBasic', {
            field: 'authentication.paramsBasic',
          });
        if (
          a?.authType.includes('OAUTH2_CLIENT_CREDENTIALS') &&
          a.paramsOauth2ClientCredentials?.tokenEndpoint === undefined
        )
          throw new UnprocessableEntityError(
            'authType OAUTH2_CLIENT_CREDENTIALS needs paramsOauth2ClientCredentials with a tokenEndpoint',
            { field: 'authentication.paramsOauth2ClientCredentials' },
          );
        try {
          // what needs no DNS (scheme, userinfo) is refused before anything else; the addresses are the test's
          parseOutboundUrl(body.callbackUri, 'callbackUri');
          const endpoint = a?.paramsOauth2ClientCredentials?.tokenEndpoint;
          if (endpoint !== undefined) parseOutboundUrl(endpoint, TOKEN_ENDPOINT_FIELD);
        } catch (err) {
          if (err instanceof DisallowedDestinationError) throw refused(err);
          throw err;
        }
        const key = JSON.stringify([body.callbackUri, body.filter ?? null]);
        let marker: string | undefined;
        do {
          const page = await deps.subscriptions.list({ limit: 500, ...(marker !== undefined ? { marker } : {}) });
          const same = page.items.find((s) => JSON.stringify([s.callbackUri, s.filter ?? null]) === key);
          if (same !== undefined) return sendNoBody(reply.code(303).header('Location', same._links.self.href));
          marker = page.nextMarker;
        } while (marker !== undefined);
        const id = randomUUID();
        const sub: StoredSubscription = {
          id,
          callbackUri: body.callbackUri,
          ...(body.filter !== undefined ? { filter: body.filter } : {}),
          ...(a !== undefined ? { authentication: a } : {}),
          _links: { self: { href: `${ctx.publicUrl}/vnflcm/v1/subscriptions/${id}` } },
        };
        try {
          await deps.testCallback(sub);
        } catch (err) {
          // the real cause (status, error code) stays in the debug log, redacted: an answer is an SSRF oracle
          req.log.debug(
            { subscriptionId: id, cause: redactText(err instanceof Error ? err.message : String(err)) },
            'the callback test failed',
          );
          if (err instanceof DisallowedDestinationError) throw refused(err);
          throw new UnprocessableEntityError(CALLBACK_TEST_FAILED, { field: 'callbackUri' });
        }
        await deps.subscriptions.create(sub);
        return reply.code(201).header('Location', sub._links.self.href).send(publicView(sub));
      },
    });
    app.get('/vnflcm/v1/subscriptions', {
      schema: {
        tags: ['subscriptions'],
        summary: 'Query subscriptions',
        querystring: ListQuerySchema,
        response: { 200: ListOf(LccnSubscriptionSchema), ...errors },
      },
      handler: async (req, reply) => {
        const q = parseListQuery(req.query, LCCN_SUBSCRIPTION_ATTRIBUTES);
        const page = await deps.subscriptions.list({ filter: q.filter, marker: q.marker, limit: ctx.pageSize });
        return sendPage(req, reply, ctx.publicUrl, { ...page, items: page.items.map(publicView) }, q.selector, []);
      },
    });
    app.get('/vnflcm/v1/subscriptions/:subscriptionId', {
      schema: {
        tags: ['subscriptions'],
        summary: 'Read a subscription',
        params: Params,
        response: { 200: LccnSubscriptionSchema, ...errors },
      },
      handler: async (req) => {
        const s = await deps.subscriptions.get(req.params.subscriptionId);
        if (s === undefined) throw new NotFoundError(`subscription ${req.params.subscriptionId} does not exist`);
        return publicView(s.doc);
      },
    });
    app.delete('/vnflcm/v1/subscriptions/:subscriptionId', {
      schema: {
        tags: ['subscriptions'],
        summary: 'Delete a subscription',
        params: Params,
        response: { 204: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        if (!(await deps.subscriptions.delete(req.params.subscriptionId)))
          throw new NotFoundError(`subscription ${req.params.subscriptionId} does not exist`);
        return sendNoBody(reply.code(204));
      },
    });
  };
}
