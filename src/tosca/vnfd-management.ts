/**
 * The management of Click-on-OSv VDUs declared by a `clickosv.policies.Management` policy that targets
 * plain tosca.nodes.nfv.Vdu.Compute nodes (the shape Tacker and other VNFMs can read: they find VDUs by
 * that exact type), or, for packages written before it, by a clickosv.nodes.ClickOsvVdu's `management`.
 */
import { checkProperties } from './node-checks';
import { obj, str, type Obj, type VnfdContext } from './vnfd-context';

export const MANAGEMENT_POLICY = 'clickosv.policies.Management';

/** Each targeted VDU's management properties, from the flavour's Management policies (checked against the type). */
export function managementPolicies(c: VnfdContext, vduIds: ReadonlySet<string>): Map<string, Obj> {
  const byVdu = new Map<string, Obj>();
  c.policies.forEach((item, i) => {
    for (const [name, p] of Object.entries(obj(item))) {
      const policy = obj(p);
      if (!c.defs.derives(str(policy['type']), MANAGEMENT_POLICY)) continue;
      const at = ['topology_template', 'policies', i, name];
      const props = obj(policy['properties']);
      checkProperties(c.defs, c.file, at, MANAGEMENT_POLICY, props, c.out);
      const targets = Array.isArray(policy['targets']) ? (policy['targets'] as unknown[]) : [];
      if (targets.length === 0) c.err(at, `policy '${name}' (${MANAGEMENT_POLICY}) needs targets: the VDUs it manages`);
      targets.forEach((t, k) => {
        const id = str(t) ?? '';
        if (!vduIds.has(id)) c.err([...at, 'targets', k], `policy '${name}' targets '${id}', which is not a VDU`);
        else if (byVdu.has(id))
          c.err([...at, 'targets', k], `VDU '${id}' is the target of more than one ${MANAGEMENT_POLICY} policy`);
        else byVdu.set(id, props);
      });
    }
  });
  return byVdu;
}

/**
 * The management a VDU is given: its own `management` property (ClickOsvVdu) or a policy's; a VDU with
 * neither is managed with the click-plugin dialect on port 8000, which the warning says.
 */
export function vduManagement(c: VnfdContext, id: string, props: Obj, fromPolicy: Obj | undefined): Obj {
  const own = obj(props['management']);
  if (Object.keys(own).length > 0) {
    if (fromPolicy !== undefined)
      c.err(c.nodePath(id, 'properties', 'management'), `VDU '${id}' has management here and from a policy`);
    return own;
  }
  if (fromPolicy !== undefined) return fromPolicy;
  c.err(
    c.nodePath(id),
    `VDU '${id}' is the target of no ${MANAGEMENT_POLICY} policy; it is managed with the click-plugin dialect on ` +
      'port 8000',
    'warning',
  );
  return {};
}
