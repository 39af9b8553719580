/** The policy reader of the VNFD parser: initial deltas, scaling aspects and their VDU deltas, instantiation levels. */
import type { InstantiationLevelModel, ScalingAspectModel, VnfdModel } from './model';
import { obj, str, type Obj, type VnfdContext } from './vnfd-context';

/** The topology's policies; a target that is not a VDU, or an aspect or level no policy defines, is an error. */
export function readPolicies(
  c: VnfdContext,
  vduIds: Set<string>,
): Pick<VnfdModel, 'initialDeltas' | 'scalingAspects' | 'instantiationLevels' | 'defaultInstantiationLevel'> {
  const list = c.policies;
  const entries: Array<[string, Obj, number]> = Array.isArray(list)
    ? list.flatMap((item, i) => Object.entries(obj(item)).map(([n, v]) => [n, obj(v), i] as [string, Obj, number]))
    : [];
  const initialDeltas: Record<string, number> = {};
  const aspects: ScalingAspectModel[] = [];
  const levels = new Map<string, InstantiationLevelModel>();
  let defaultLevel: string | undefined;
  const targets = (v: Obj, i: number): string[] => {
    const t = Array.isArray(v['targets']) ? (v['targets'] as unknown[]).map(String) : [];
    for (const x of t)
      if (!vduIds.has(x)) c.err(['topology_template', 'policies', i], `policy target '${x}' is not a VDU`);
    return t;
  };
  for (const [name, v, i] of entries) {
    const type = str(v['type']);
    const p = obj(v['properties']);
    if (type === undefined || !c.defs.isKnownType(type)) {
      c.err(['topology_template', 'policies', i], `policy '${name}' has an unknown type '${type ?? ''}'`);
      continue;
    }
    if (c.defs.derives(type, 'tosca.policies.nfv.ScalingAspects')) {
      for (const [id, a] of Object.entries(obj(p['aspects']))) {
        const ao = obj(a);
        aspects.push({
          id,
          name: str(ao['name']) ?? id,
          description: str(ao['description']) ?? '',
          maxScaleLevel: Number(ao['max_scale_level'] ?? 0),
          stepDeltas: ((ao['step_deltas'] as unknown[]) ?? []).map(String),
          vduDeltas: {},
        });
      }
    } else if (c.defs.derives(type, 'tosca.policies.nfv.InstantiationLevels')) {
      defaultLevel = str(p['default_level']);
      for (const [id, l] of Object.entries(obj(p['levels']))) {
        const lo = obj(l);
        const scaleInfo = Object.fromEntries(
          Object.entries(obj(lo['scale_info'])).map(([k, s]) => [k, Number(obj(s)['scale_level'] ?? 0)]),
        );
        levels.set(id, {
          id,
          description: str(lo['description']) ?? '',
          scaleInfo,
          vduInstances: levels.get(id)?.vduInstances ?? {},
        });
      }
    }
  }
  // per-VDU policies after the aspects and levels they refer to
  for (const [name, v, i] of entries) {
    const type = str(v['type']);
    const p = obj(v['properties']);
    if (c.defs.derives(type, 'tosca.policies.nfv.VduInitialDelta')) {
      for (const t of targets(v, i)) initialDeltas[t] = Number(obj(p['initial_delta'])['number_of_instances'] ?? 1);
    } else if (c.defs.derives(type, 'tosca.policies.nfv.VduScalingAspectDeltas')) {
      const aspect = aspects.find((a) => a.id === str(p['aspect']));
      if (aspect === undefined)
        c.err(
          ['topology_template', 'policies', i],
          `policy '${name}' names aspect '${str(p['aspect']) ?? ''}', which no ScalingAspects policy defines`,
        );
      for (const t of targets(v, i)) {
        if (aspect !== undefined)
          aspect.vduDeltas[t] = Object.fromEntries(
            Object.entries(obj(p['deltas'])).map(([d, x]) => [d, Number(obj(x)['number_of_instances'] ?? 0)]),
          );
      }
    } else if (c.defs.derives(type, 'tosca.policies.nfv.VduInstantiationLevels')) {
      for (const t of targets(v, i)) {
        for (const [lid, l] of Object.entries(obj(p['levels']))) {
          const level = levels.get(lid);
          if (level === undefined)
            c.err(
              ['topology_template', 'policies', i],
              `policy '${name}' names instantiation level '${lid}', which InstantiationLevels does not define`,
            );
          else level.vduInstances[t] = Number(obj(l)['number_of_instances'] ?? 0);
        }
      }
    }
  }
  return {
    initialDeltas,
    scalingAspects: aspects,
    instantiationLevels: [...levels.values()],
    ...(defaultLevel !== undefined ? { defaultInstantiationLevel: defaultLevel } : {}),
  };
}
