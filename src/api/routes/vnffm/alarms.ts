import { Type } from '@sinclair/typebox';
import {
  ALARM_ATTRIBUTES,
  alarmView,
  FM_SUBSCRIPTION_ATTRIBUTES,
  type StoredFmSubscription,
} from '../../../domain/alarm';
import {
  AlarmClearedNotificationSchema,
  AlarmListRebuiltNotificationSchema,
  AlarmModificationsSchema,
  AlarmNotificationSchema,
  AlarmSchema,
  FmSubscriptionRequestSchema,
  FmSubscriptionSchema,
} from '../../../domain/schemas';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../../../errors';
import type { RebuildStarted } from '../../../lcm/monitor/rebuild';
import type { AlarmStore } from '../../../ports/fm';
import type { Repository } from '../../../ports/store';
import type { RouteModule } from '../../context';
import { answerList, ListOf, ListQuerySchema } from '../../list-query';
import { subscriptionRoutesFor } from '../subscription-routes';
import { ProblemDetailsSchema } from '../vnflcm/schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const Params = Type.Object({ alarmId: Type.String({ minLength: 1, maxLength: 128 }) });
const tags = ['alarms'];

export interface FmRouteDeps {
  alarms: AlarmStore;
  subscriptions: Repository<StoredFmSubscription>;
  testCallback(sub: StoredFmSubscription): Promise<void>;
  /** Starts a rebuild of the alarm list (the monitor finishes it and sends AlarmListRebuiltNotification). */
  rebuild?(at: string): Promise<RebuildStarted>;
}

const RebuildStartedSchema = Type.Object({
  pendingInstances: Type.Integer({
    description: 'instances the monitor looks at again before AlarmListRebuiltNotification (0: sent already)',
  }),
  clearedAlarms: Type.Integer({
    description: 'active alarms cleared at once: their instance is no longer instantiated',
  }),
});

/**
 * The VNF Fault Management interface, `/vnffm/v1`: alarms (list with filters, read, acknowledge) and FM
 * subscriptions. @see SOL003 v2.6.1 clause 7.4
 */
export function fmRoutes(deps: FmRouteDeps): RouteModule[] {
  const alarms: RouteModule = (app, ctx) => {
    const find = async (id: string) => {
      const a = await deps.alarms.get(id);
      if (a === undefined) throw new NotFoundError(`alarm ${id} does not exist`);
      return a;
    };
    app.get('/vnffm/v1/alarms', {
      schema: {
        tags,
        summary: 'Query alarms (filters on any attribute, e.g. (eq,managedObjectId,<id>) or perceivedSeverity)',
        querystring: ListQuerySchema,
        response: { 200: ListOf(AlarmSchema), ...errors },
      },
      handler: (req, reply) =>
        answerList(req, reply, ctx, {
          list: (q) => deps.alarms.list(q),
          attributes: ALARM_ATTRIBUTES,
          view: (a) => alarmView(ctx.publicUrl, a),
          defaultExcludes: [],
        }),
    });
    app.get('/vnffm/v1/alarms/:alarmId', {
      schema: { tags, summary: 'Read an alarm', params: Params, response: { 200: AlarmSchema, ...errors } },
      handler: async (req, reply) => {
        const a = await find(req.params.alarmId);
        return reply.header('ETag', `"${a.version}"`).send(alarmView(ctx.publicUrl, a.doc));
      },
    });
    app.patch('/vnffm/v1/alarms/:alarmId', {
      schema: {
        tags,
        summary: 'Acknowledge an alarm (application/merge-patch+json; 409 when it is acknowledged already)',
        params: Params,
        body: AlarmModificationsSchema,
        response: { 200: AlarmModificationsSchema, ...errors },
      },
      handler: async (req, reply) => {
        const id = req.params.alarmId;
        const ifMatch = req.headers['if-match'];
        const found = await find(id);
        if (ifMatch !== undefined && ifMatch !== `"${found.version}"`)
          throw new PreconditionFailedError(`If-Match ${ifMatch} does not match the current ETag "${found.version}"`, {
            field: 'If-Match',
          });
        let already = false;
        const at = new Date().toISOString();
        const updated = await deps.alarms.update(
          id,
          (a) => {
            already = a.ackState === 'ACKNOWLEDGED';
            return already ? undefined : { ...a, ackState: 'ACKNOWLEDGED', alarmAcknowledgedTime: at };
          },
          ifMatch !== undefined ? { ifVersion: found.version } : { known: found },
        );
        if (updated === undefined) throw new NotFoundError(`alarm ${id} does not exist`);
        if (already) throw new ConflictError(`alarm ${id} is ACKNOWLEDGED already`, { field: 'ackState' });
        return reply.header('ETag', `"${updated.version}"`).send({ ackState: 'ACKNOWLEDGED' });
      },
    });
    const rebuild = deps.rebuild;
    if (rebuild !== undefined)
      app.post('/clickvnfm/v1/alarms/rebuild', {
        schema: {
          tags: ['clickvnfm extension'],
          summary:
            'Rebuild the alarm list (not SOL003; e.g. after Redis was restored from a backup): every instance looked' +
            ' at again, then AlarmListRebuiltNotification to the FM subscribers',
          response: { 202: RebuildStartedSchema, ...errors },
        },
        handler: async (_req, reply) => reply.code(202).send(await rebuild(new Date().toISOString())),
      });
  };
  const subscriptions = subscriptionRoutesFor(
    {
      base: '/vnffm/v1',
      tag: 'fm_subscriptions',
      about: 'fault management',
      request: FmSubscriptionRequestSchema,
      resource: FmSubscriptionSchema,
      attributes: FM_SUBSCRIPTION_ATTRIBUTES,
      notifications: {
        AlarmNotification: AlarmNotificationSchema,
        AlarmClearedNotification: AlarmClearedNotificationSchema,
        AlarmListRebuiltNotification: AlarmListRebuiltNotificationSchema,
      },
    },
    { subscriptions: deps.subscriptions, testCallback: deps.testCallback },
  );
  return [alarms, subscriptions];
}
