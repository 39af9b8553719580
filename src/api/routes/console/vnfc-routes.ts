import { Type } from '@sinclair/typebox';
import type { LcmDeps } from '../../../lcm/deps';
import { vnfcAgent, vnfcAgents } from '../../../lcm/vnfc-agents';
import type { RouteModule } from '../../context';
import { ProblemDetailsSchema } from '../vnflcm/schemas';

const errors = { '4xx': ProblemDetailsSchema, '5xx': ProblemDetailsSchema };
const Inst = Type.Object({ vnfInstanceId: Type.String({ minLength: 1, maxLength: 128 }) });
const Vnfc = Type.Object({
  vnfInstanceId: Type.String({ minLength: 1, maxLength: 128 }),
  vnfcInstanceId: Type.String({ minLength: 1, maxLength: 256 }),
});
const Any = Type.Object({}, { additionalProperties: true });

/**
 * A small read-only extension for the operator console (not SOL003): each VNFC's NF and management API
 * status, its metrics (normalized, whatever the dialect), Click's log and the running configuration,
 * asked of the VM's agent. Changes go through the SOL003 API (operate, PATCH).
 */
export function vnfcRoutes(deps: LcmDeps): RouteModule {
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
  };
}
