import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../../../errors';
import { subscribe, type SubscribeDeps } from '../../../lcm/subscriptions';
import { subscriptionLocation } from '../../render';
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
import type { RouteModule } from '../../context';
import { sendNoBody } from '../../no-body';
import { answerList, ListOf, ListQuerySchema } from '../../list-query';
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

export type SubscriptionDeps = SubscribeDeps;

function publicView(publicUrl: string, s: StoredSubscription): LccnSubscription {
  return {
    id: s.id,
    ...(s.filter !== undefined ? { filter: s.filter } : {}),
    callbackUri: s.callbackUri,
    _links: { self: { href: subscriptionLocation(publicUrl, s.id) } },
  };
}

/**
 * `/vnflcm/v1/subscriptions`: create (callback tested, duplicates 303), list, get, delete.
 * @see SOL003 5.4.18 - 5.4.19
 */
export function subscriptionRoutes(deps: SubscriptionDeps): RouteModule {
  return (app, ctx) => {
    app.post('/vnflcm/v1/subscriptions', {
      schema: createSchema,
      handler: async (req, reply) => {
        const r = await subscribe(deps, req.body, randomUUID(), req.log);
        if ('existing' in r)
          return sendNoBody(reply.code(303).header('Location', subscriptionLocation(ctx.publicUrl, r.existing.id)));
        return reply
          .code(201)
          .header('Location', subscriptionLocation(ctx.publicUrl, r.created.id))
          .send(publicView(ctx.publicUrl, r.created));
      },
    });
    app.get('/vnflcm/v1/subscriptions', {
      schema: {
        tags: ['subscriptions'],
        summary: 'Query subscriptions',
        querystring: ListQuerySchema,
        response: { 200: ListOf(LccnSubscriptionSchema), ...errors },
      },
      handler: (req, reply) =>
        answerList(req, reply, ctx, {
          list: (q) => deps.subscriptions.list(q),
          attributes: LCCN_SUBSCRIPTION_ATTRIBUTES,
          view: (x) => publicView(ctx.publicUrl, x),
          defaultExcludes: [],
        }),
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
        return publicView(ctx.publicUrl, s.doc);
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
