import { Type } from '@sinclair/typebox';
import { VnfcNotFoundError, VnfInstanceNotFoundError } from '../../../errors';
import type { LcmDeps } from '../../../lcm/deps';
import { vnfcAgent, vnfcAgents } from '../../../lcm/vnfc-agents';
import type { RouteModule } from '../../context';
import type { MonitorStore } from '../../../ports/monitoring';
import { ProblemDetailsSchema } from '../vnflcm/schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const Inst = Type.Object({ vnfInstanceId: Type.String({ minLength: 1, maxLength: 128 }) });
const Vnfc = Type.Object({
  vnfInstanceId: Type.String({ minLength: 1, maxLength: 128 }),
  vnfcInstanceId: Type.String({ minLength: 1, maxLength: 256 }),
});
const Any = Type.Object({}, { additionalProperties: true });
// the query string is not coerced (src/api/app.ts): n is 1 to 1000 by its pattern
const SamplesQuery = Type.Object({
  n: Type.Optional(
    Type.String({ pattern: '^(1000|[1-9][0-9]{0,2})$', description: 'how many of the newest samples: 1 to 1000, 60' }),
  ),
});
const Sample = Type.Object({
  t: Type.Number({ description: 'when it was taken (ms since the epoch)' }),
  vm: Type.String({ description: "the VM's status at the VIM (MISSING: the VIM no longer has it)" }),
  api: Type.Boolean({ description: 'the management API answered' }),
  nf: Type.Boolean({ description: 'Click runs' }),
  cpu: Type.Optional(Type.Number()),
  mem: Type.Optional(Type.Number()),
  ports: Type.Optional(
    Type.Array(Type.Array(Type.Union([Type.String(), Type.Number()])), {
      description: 'per port [name, rxPackets, txPackets, rxBytes, txBytes] (cumulative)',
    }),
  ),
  el: Type.Optional(
    Type.Array(Type.Array(Type.Union([Type.String(), Type.Number()])), {
      description: 'per element handler [element, handler, value] (cumulative counters)',
    }),
  ),
});

/**
 * A small read-only extension for the operator console (not SOL003): each VNFC's NF and management API
 * status, its metrics (normalized, whatever the dialect), Click's log and the running configuration,
 * asked of the VM's agent, and the samples the monitor stored. Changes go through the SOL003 API (operate, PATCH).
 */
export function vnfcRoutes(deps: LcmDeps, monitor: Pick<MonitorStore, 'recent'>): RouteModule {
  return (app) => {
    const tags = ['clickvnfm console extension'];
    app.get('/clickvnfm/v1/vnf_instances/:vnfInstanceId/vnfcs', {
      schema: {
        tags,
        summary: 'The VNFCs of an instance with their NF and management API status',
        params: Inst,
        response: { 200: Type.Array(Any), ...errors },
      },
      handler: async (req) => {
        const agents = await vnfcAgents(deps, req.params.vnfInstanceId);
        return Promise.all(
          agents.map(async ({ vnfc, agent, dialect }) => {
            const st = await agent.status({ timeoutMs: 2000 }).catch(() => ({ reachable: false, running: false }));
            const md = (vnfc.metadata ?? {}) as Record<string, unknown>;
            return {
              id: vnfc.id,
              vduId: vnfc.vduId,
              dialect,
              vmStatus: md['status'],
              managementAddress: md['managementAddress'],
              managementPort: md['managementPort'],
              apiReachable: st.reachable,
              nfRunning: st.running,
            };
          }),
        );
      },
    });
    app.get('/clickvnfm/v1/vnf_instances/:vnfInstanceId/vnfcs/:vnfcInstanceId/metrics', {
      schema: {
        tags,
        summary: "One sample of a VNFC's metrics (CPU, memory, per-port traffic, Click element counters)",
        params: Vnfc,
        response: { 200: Any, ...errors },
      },
      handler: async (req) =>
        (await vnfcAgent(deps, req.params.vnfInstanceId, req.params.vnfcInstanceId)).agent.metrics({ timeoutMs: 5000 }),
    });
    app.get('/clickvnfm/v1/vnf_instances/:vnfInstanceId/vnfcs/:vnfcInstanceId/log', {
      schema: {
        tags,
        summary: "Click's error log in the VM",
        params: Vnfc,
        response: { 200: Type.Object({ text: Type.String() }), ...errors },
      },
      handler: async (req) => ({
        text: await (
          await vnfcAgent(deps, req.params.vnfInstanceId, req.params.vnfcInstanceId)
        ).agent.log({ timeoutMs: 5000 }),
      }),
    });
    app.get('/clickvnfm/v1/vnf_instances/:vnfInstanceId/vnfcs/:vnfcInstanceId/config', {
      schema: {
        tags,
        summary: 'The Click configuration the VM runs',
        params: Vnfc,
        response: { 200: Type.Object({ text: Type.String() }), ...errors },
      },
      handler: async (req) => ({
        text: await (
          await vnfcAgent(deps, req.params.vnfInstanceId, req.params.vnfcInstanceId)
        ).agent.readConfig({ timeoutMs: 5000 }),
      }),
    });
    app.get('/clickvnfm/v1/vnf_instances/:vnfInstanceId/vnfcs/:vnfcInstanceId/samples', {
      schema: {
        tags,
        summary: "A VNFC's newest samples as the monitor stored them, oldest first (an empty list before the first)",
        params: Vnfc,
        querystring: SamplesQuery,
        response: { 200: Type.Array(Sample), ...errors },
      },
      handler: async (req) => {
        const { vnfInstanceId, vnfcInstanceId } = req.params;
        const inst = (await deps.instances.get(vnfInstanceId))?.doc;
        if (inst === undefined) throw new VnfInstanceNotFoundError(vnfInstanceId);
        if (!(inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).some((v) => v.id === vnfcInstanceId))
          throw new VnfcNotFoundError(vnfInstanceId, vnfcInstanceId);
        return (await monitor.recent(vnfInstanceId, vnfcInstanceId, Number(req.query.n ?? 60))).reverse();
      },
    });
  };
}
