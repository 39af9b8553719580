import { Type } from '@sinclair/typebox';
import { PM_JOB_ATTRIBUTES, pmJobHref, pmJobView, type StoredPmJob } from '../../../domain/pm';
import { CreatePmJobRequestSchema, PerformanceReportSchema, PmJobSchema } from '../../../domain/schemas';
import { NotFoundError } from '../../../errors';
import { pmNowMs, type PmDeps } from '../../../lcm/pm/deps';
import { createPmJob, deletePmJob } from '../../../lcm/pm/jobs';
import type { RouteModule } from '../../context';
import { answerList, ListOf, ListQuerySchema } from '../../list-query';
import { sendNoBody } from '../../no-body';
import { ProblemDetailsSchema } from '../vnflcm/schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const Id = Type.String({ minLength: 1, maxLength: 128 });
const Params = Type.Object({ pmJobId: Id });
const ReportParams = Type.Object({ pmJobId: Id, reportId: Id });
const tags = ['pm_jobs'];

/**
 * PM jobs, `/vnfpm/v1/pm_jobs`: create (checked against the instances, their VNFDs and the monitor), list with
 * filters, read, delete, and read a report. @see SOL003 v2.6.1 clauses 6.4.2 - 6.4.4
 */
export function pmJobRoutes(deps: PmDeps): RouteModule {
  return (app, ctx) => {
    const view = async (job: StoredPmJob) =>
      pmJobView(ctx.publicUrl, job, await deps.store.reports(job.id), pmNowMs(deps));
    app.post('/vnfpm/v1/pm_jobs', {
      schema: {
        tags,
        summary: 'Create a PM job (422 naming the field: an unknown instance or measurement, periods that do not fit)',
        body: CreatePmJobRequestSchema,
        response: { 201: PmJobSchema, ...errors },
      },
      handler: async (req, reply) => {
        const job = await createPmJob(deps, req.body, ctx.newId());
        return reply
          .code(201)
          .header('Location', pmJobHref(ctx.publicUrl, job.id))
          .send(await view(job));
      },
    });
    app.get('/vnfpm/v1/pm_jobs', {
      schema: {
        tags,
        summary: 'Query PM jobs (filters on any attribute, e.g. (cont,objectInstanceIds,<id>))',
        querystring: ListQuerySchema,
        response: { 200: ListOf(PmJobSchema), ...errors },
      },
      handler: (req, reply) =>
        answerList(req, reply, ctx, {
          list: (q) => deps.jobs.list(q),
          attributes: PM_JOB_ATTRIBUTES,
          view,
          defaultExcludes: ['reports'],
        }),
    });
    app.get('/vnfpm/v1/pm_jobs/:pmJobId', {
      schema: { tags, summary: 'Read a PM job', params: Params, response: { 200: PmJobSchema, ...errors } },
      handler: async (req) => {
        const job = (await deps.jobs.get(req.params.pmJobId))?.doc;
        if (job === undefined) throw new NotFoundError(`PM job ${req.params.pmJobId} does not exist`);
        return view(job);
      },
    });
    app.delete('/vnfpm/v1/pm_jobs/:pmJobId', {
      schema: {
        tags,
        summary: 'Delete a PM job (and its reports)',
        params: Params,
        response: { 204: Type.Null(), ...errors },
      },
      handler: async (req, reply) => {
        await deletePmJob(deps, req.params.pmJobId);
        return sendNoBody(reply.code(204));
      },
    });
    app.get('/vnfpm/v1/pm_jobs/:pmJobId/reports/:reportId', {
      schema: {
        tags,
        summary: 'Read a performance report (404 once it expired)',
        params: ReportParams,
        response: { 200: PerformanceReportSchema, ...errors },
      },
      handler: async (req) => {
        const { pmJobId, reportId } = req.params;
        if ((await deps.jobs.get(pmJobId)) === undefined) throw new NotFoundError(`PM job ${pmJobId} does not exist`);
        const report = await deps.store.report(pmJobId, reportId);
        if (report === undefined || Date.parse(report.expiryTime) <= pmNowMs(deps))
          throw new NotFoundError(`report ${reportId} of PM job ${pmJobId} does not exist`);
        return { entries: report.entries };
      },
    });
  };
}
