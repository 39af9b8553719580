import { randomUUID } from 'node:crypto';
import { Type, type TSchema } from '@sinclair/typebox';
import { NotFoundError } from '../../errors';
import {
  subscribe,
  type StoredSubscriptionOf,
  type SubscribeDeps,
  type SubscriptionRequestOf,
} from '../../lcm/subscriptions';
import type { RouteModule } from '../context';
import { sendNoBody } from '../no-body';
import { answerList, ListOf, ListQuerySchema } from '../list-query';
import { ProblemDetailsSchema } from './vnflcm/schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const Params = Type.Object({ subscriptionId: Type.String({ minLength: 1, maxLength: 128 }) });

/** One API's subscriptions resource: where it lives, its schemas and the notifications it brings. */
export interface SubscriptionApi {
  /** e.g. `/vnflcm/v1` */
  base: string;
  /** OpenAPI tag, e.g. `subscriptions` */
  tag: string;
  /** What the notifications are about, for the summaries, e.g. `LCM`, `fault management`. */
  about: string;
  request: TSchema;
  resource: TSchema;
  attributes: ReadonlySet<string>;
  /** The notifications, as OpenAPI callbacks of the POST (for the document only: Fastify ignores them). */
  notifications: Record<string, TSchema>;
}

/** The subscription as the API shows it: its credentials never, its `_links` absolute. */
function publicView<F>(publicUrl: string, api: SubscriptionApi, s: StoredSubscriptionOf<F>) {
  return {
    id: s.id,
    ...(s.filter !== undefined ? { filter: s.filter } : {}),
    callbackUri: s.callbackUri,
    _links: { self: { href: `${publicUrl}${api.base}/subscriptions/${s.id}` } },
  };
}

/**
 * `<base>/subscriptions`: create (callback tested, duplicates 303), list, get, delete: the same for every API
 * that notifies (SOL003 5.4.18 - 5.4.19 LCM, 7.4.5 - 7.4.6 FM, 8.4.5 - 8.4.6 indicators).
 */
export function subscriptionRoutesFor<F>(api: SubscriptionApi, deps: SubscribeDeps<F>): RouteModule {
  const callbacks = Object.fromEntries(
    Object.entries(api.notifications).map(([name, schema]) => [
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
  const tags = [api.tag];
  return (app, ctx) => {
    const location = (id: string): string => `${ctx.publicUrl}${api.base}/subscriptions/${id}`;
    app.post(`${api.base}/subscriptions`, {
      schema: {
        tags,
        summary: `Subscribe to ${api.about} notifications`,
        body: api.request,
        response: { 201: api.resource, 303: Type.Null(), ...errors },
        callbacks,
      },
      handler: async (req, reply) => {
        const r = await subscribe(deps, req.body as SubscriptionRequestOf<F>, randomUUID(), req.log);
        if ('existing' in r) return sendNoBody(reply.code(303).header('Location', location(r.existing.id)));
        return reply
          .code(201)
          .header('Location', location(r.created.id))
          .send(publicView(ctx.publicUrl, api, r.created));
      },
    });
    app.get(`${api.base}/subscriptions`, {
      schema: {
        tags,
        summary: `Query ${api.about} subscriptions`,
        querystring: ListQuerySchema,
        response: { 200: ListOf(api.resource), ...errors },
      },
      handler: (req, reply) =>
        answerList(req, reply, ctx, {
          list: (q) => deps.subscriptions.list(q),
          attributes: api.attributes,
          view: (x) => publicView(ctx.publicUrl, api, x),
          defaultExcludes: [],
        }),
    });
    app.get(`${api.base}/subscriptions/:subscriptionId`, {
      schema: {
        tags,
        summary: `Read a ${api.about} subscription`,
        params: Params,
        response: { 200: api.resource, ...errors },
      },
      handler: async (req) => {
        const { subscriptionId } = req.params as { subscriptionId: string };
        const s = await deps.subscriptions.get(subscriptionId);
        if (s === undefined) throw new NotFoundError(`subscription ${subscriptionId} does not exist`);
        return publicView(ctx.publicUrl, api, s.doc);
      },
    });
    app.delete(`${api.base}/subscriptions/:subscriptionId`, {
      schema: {
        tags,
        summary: `Delete a ${api.about} subscription`,
        params: Params,
        response: { 204: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        const { subscriptionId } = req.params as { subscriptionId: string };
        if (!(await deps.subscriptions.delete(subscriptionId)))
          throw new NotFoundError(`subscription ${subscriptionId} does not exist`);
        return sendNoBody(reply.code(204));
      },
    });
  };
}
