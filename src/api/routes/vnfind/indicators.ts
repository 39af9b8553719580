import { Type } from '@sinclair/typebox';
import {
  indicatorView,
  VNF_INDICATOR_ATTRIBUTES,
  VNF_INDICATOR_SUBSCRIPTION_ATTRIBUTES,
  type StoredIndicator,
  type StoredIndicatorSubscription,
} from '../../../domain/indicator';
import { decodeMarker, encodeMarker, matchesFilter } from '../../../domain/query';
import {
  VnfIndicatorSchema,
  VnfIndicatorSubscriptionRequestSchema,
  VnfIndicatorSubscriptionSchema,
  VnfIndicatorValueChangeNotificationSchema,
} from '../../../domain/schemas';
import { NotFoundError, VnfInstanceNotFoundError } from '../../../errors';
import type { IndicatorStore } from '../../../ports/indicators';
import type { ListPage, ListQuery, Repository, VnfInstanceRepository } from '../../../ports/store';
import type { RouteModule } from '../../context';
import { answerList, ListOf, ListQuerySchema, parseListQuery } from '../../list-query';
import { subscriptionRoutesFor } from '../subscription-routes';
import { ProblemDetailsSchema } from '../vnflcm/schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const id = Type.String({ minLength: 1, maxLength: 128 });
const InstanceParams = Type.Object({ vnfInstanceId: id });
const IndicatorParams = Type.Object({ vnfInstanceId: id, indicatorId: id });
const tags = ['indicators'];

export interface IndicatorRouteDeps {
  indicators: IndicatorStore;
  instances: Pick<VnfInstanceRepository, 'get'>;
  subscriptions: Repository<StoredIndicatorSubscription>;
  testCallback(sub: StoredIndicatorSubscription): Promise<void>;
}

/** One instance's indicators as a list: filtered, then a page from the marker's position. */
function pageOf(items: StoredIndicator[], q: ListQuery): ListPage<StoredIndicator> {
  const filtered = q.filter === undefined ? items : items.filter((i) => matchesFilter(i, q.filter ?? []));
  const from = q.marker !== undefined ? (decodeMarker(q.marker) ?? 0) : 0;
  const to = from + q.limit;
  const page = filtered.slice(from, to);
  return to < filtered.length ? { items: page, nextMarker: encodeMarker(to) } : { items: page };
}

/**
 * The VNF Indicator interface, `/vnfind/v1`: the indicators of every instance or of one (list with filters), one
 * indicator, and indicator subscriptions. The values are the monitor's (src/lcm/monitor/indicators.ts).
 * @see SOL003 v2.6.1 clause 8.4
 */
export function indicatorRoutes(deps: IndicatorRouteDeps): RouteModule[] {
  /** The instance's indicators: 404 for an unknown instance, none while it is not instantiated. */
  const ofInstance = async (vnfInstanceId: string): Promise<StoredIndicator[]> => {
    const inst = (await deps.instances.get(vnfInstanceId))?.doc;
    if (inst === undefined) throw new VnfInstanceNotFoundError(vnfInstanceId);
    return inst.instantiationState === 'INSTANTIATED' ? deps.indicators.ofInstance(vnfInstanceId) : [];
  };
  const indicators: RouteModule = (app, ctx) => {
    const view = (i: StoredIndicator) => indicatorView(ctx.publicUrl, i);
    app.get('/vnfind/v1/indicators', {
      schema: {
        tags,
        summary: 'Query the indicators of every VNF instance (filters on any attribute, e.g. (eq,vnfInstanceId,<id>))',
        querystring: ListQuerySchema,
        response: { 200: ListOf(VnfIndicatorSchema), ...errors },
      },
      handler: (req, reply) =>
        answerList(req, reply, ctx, {
          list: (q) => deps.indicators.list(q),
          attributes: VNF_INDICATOR_ATTRIBUTES,
          view,
          defaultExcludes: [],
        }),
    });
    app.get('/vnfind/v1/indicators/:vnfInstanceId', {
      schema: {
        tags,
        summary: 'Query the indicators of a VNF instance (404 for an unknown instance)',
        params: InstanceParams,
        querystring: ListQuerySchema,
        response: { 200: ListOf(VnfIndicatorSchema), ...errors },
      },
      handler: async (req, reply) => {
        // a bad filter or selector is a 400 whether or not the instance exists
        parseListQuery(req.query, VNF_INDICATOR_ATTRIBUTES);
        const items = await ofInstance(req.params.vnfInstanceId);
        return answerList(req, reply, ctx, {
          list: async (q) => pageOf(items, q),
          attributes: VNF_INDICATOR_ATTRIBUTES,
          view,
          defaultExcludes: [],
        });
      },
    });
    app.get('/vnfind/v1/indicators/:vnfInstanceId/:indicatorId', {
      schema: {
        tags,
        summary: 'Read an indicator of a VNF instance (404 when it has no value: not in its VNFD, or not read yet)',
        params: IndicatorParams,
        response: { 200: VnfIndicatorSchema, ...errors },
      },
      handler: async (req) => {
        const { vnfInstanceId, indicatorId } = req.params;
        const found = (await ofInstance(vnfInstanceId)).find((i) => i.id === indicatorId);
        if (found === undefined)
          throw new NotFoundError(`VNF instance ${vnfInstanceId} has no value of indicator ${indicatorId}`);
        return view(found);
      },
    });
  };
  const subscriptions = subscriptionRoutesFor(
    {
      base: '/vnfind/v1',
      tag: 'indicator_subscriptions',
      about: 'VNF indicator',
      request: VnfIndicatorSubscriptionRequestSchema,
      resource: VnfIndicatorSubscriptionSchema,
      attributes: VNF_INDICATOR_SUBSCRIPTION_ATTRIBUTES,
      notifications: { VnfIndicatorValueChangeNotification: VnfIndicatorValueChangeNotificationSchema },
    },
    { subscriptions: deps.subscriptions, testCallback: deps.testCallback },
  );
  return [indicators, subscriptions];
}
