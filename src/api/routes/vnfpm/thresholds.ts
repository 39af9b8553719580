import { Type } from '@sinclair/typebox';
import {
  PM_SUBSCRIPTION_ATTRIBUTES,
  THRESHOLD_ATTRIBUTES,
  thresholdHref,
  thresholdView,
  type StoredPmSubscription,
} from '../../../domain/pm';
import {
  CreateThresholdRequestSchema,
  PerformanceInformationAvailableNotificationSchema,
  PmSubscriptionRequestSchema,
  PmSubscriptionSchema,
  ThresholdCrossedNotificationSchema,
  ThresholdSchema,
} from '../../../domain/schemas';
import { NotFoundError } from '../../../errors';
import type { PmDeps } from '../../../lcm/pm/deps';
import { createThreshold, deleteThreshold } from '../../../lcm/pm/jobs';
import type { Repository } from '../../../ports/store';
import type { RouteModule } from '../../context';
import { answerList, ListOf, ListQuerySchema } from '../../list-query';
import { sendNoBody } from '../../no-body';
import { subscriptionRoutesFor } from '../subscription-routes';
import { ProblemDetailsSchema } from '../vnflcm/schemas';
import { pmJobRoutes } from './pm-jobs';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const Params = Type.Object({ thresholdId: Type.String({ minLength: 1, maxLength: 128 }) });
const tags = ['thresholds'];

export interface PmRouteDeps {
  pm: PmDeps;
  subscriptions: Repository<StoredPmSubscription>;
  testCallback(sub: StoredPmSubscription): Promise<void>;
}

function thresholdRoutes(deps: PmDeps): RouteModule {
  return (app, ctx) => {
    app.post('/vnfpm/v1/thresholds', {
      schema: {
        tags,
        summary: 'Create a threshold (SIMPLE, with hysteresis; 422 naming the field)',
        body: CreateThresholdRequestSchema,
        response: { 201: ThresholdSchema, ...errors },
      },
      handler: async (req, reply) => {
        const t = await createThreshold(deps, req.body, ctx.newId());
        return reply
          .code(201)
          .header('Location', thresholdHref(ctx.publicUrl, t.id))
          .send(thresholdView(ctx.publicUrl, t));
      },
    });
    app.get('/vnfpm/v1/thresholds', {
      schema: {
        tags,
        summary: 'Query thresholds (filters on any attribute, e.g. (eq,objectInstanceId,<id>))',
        querystring: ListQuerySchema,
        response: { 200: ListOf(ThresholdSchema), ...errors },
      },
      handler: (req, reply) =>
        answerList(req, reply, ctx, {
          list: (q) => deps.thresholds.list(q),
          attributes: THRESHOLD_ATTRIBUTES,
          view: (t) => thresholdView(ctx.publicUrl, t),
          defaultExcludes: [],
        }),
    });
    app.get('/vnfpm/v1/thresholds/:thresholdId', {
      schema: { tags, summary: 'Read a threshold', params: Params, response: { 200: ThresholdSchema, ...errors } },
      handler: async (req) => {
        const t = (await deps.thresholds.get(req.params.thresholdId))?.doc;
        if (t === undefined) throw new NotFoundError(`threshold ${req.params.thresholdId} does not exist`);
        return thresholdView(ctx.publicUrl, t);
      },
    });
    app.delete('/vnfpm/v1/thresholds/:thresholdId', {
      schema: { tags, summary: 'Delete a threshold', params: Params, response: { 204: Type.Null(), ...errors } },
      handler: async (req, reply) => {
        await deleteThreshold(deps, req.params.thresholdId);
        return sendNoBody(reply.code(204));
      },
    });
  };
}

/**
 * The VNF Performance Management interface, `/vnfpm/v1`: PM jobs and their reports, thresholds, PM subscriptions.
 * @see SOL003 v2.6.1 clause 6.4
 */
export function pmRoutes(deps: PmRouteDeps): RouteModule[] {
  const subscriptions = subscriptionRoutesFor(
    {
      base: '/vnfpm/v1',
      tag: 'pm_subscriptions',
      about: 'performance management',
      request: PmSubscriptionRequestSchema,
      resource: PmSubscriptionSchema,
      attributes: PM_SUBSCRIPTION_ATTRIBUTES,
      notifications: {
        PerformanceInformationAvailableNotification: PerformanceInformationAvailableNotificationSchema,
        ThresholdCrossedNotification: ThresholdCrossedNotificationSchema,
      },
    },
    { subscriptions: deps.subscriptions, testCallback: deps.testCallback },
  );
  return [pmJobRoutes(deps.pm), thresholdRoutes(deps.pm), subscriptions];
}
