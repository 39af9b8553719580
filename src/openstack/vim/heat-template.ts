import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { UnprocessableEntityError } from '../../errors';
import type { VduSpec, VnfDeployment } from '../../ports/vim';
import { extraSpecs, managementPorts } from './shared';

/** Where heat-templates/ is: next to package.json (src/ and dist/src/ both find it). */
export function defaultTemplatesDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'heat-templates');
    if (fs.existsSync(path.join(candidate, 'vnf.yaml'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`heat-templates/ not found above ${__dirname}`);
  }
}

/** A connection point has nowhere to attach: the request must name an external network for it. */
export class UnboundCpError extends UnprocessableEntityError {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Replaces placeholders: a string that is exactly `__NAME__` becomes vars[NAME] (any JSON); inside a
 * longer string it is spliced in.
 */
export function fill(node: Json, vars: Record<string, Json>): Json {
  if (typeof node === 'string') {
    const whole = /^__([A-Z0-9_]+)__$/.exec(node);
    if (whole) {
      const v = vars[whole[1] as string];
      if (v === undefined) throw new Error(`heat-templates: no value for ${node}`);
      return v;
    }
    return node.replace(/__([A-Z0-9_]+)__/g, (m, k: string) => {
      const v = vars[k];
      if (v === undefined) throw new Error(`heat-templates: no value for ${m}`);
      return String(v);
    });
  }
  if (Array.isArray(node)) return node.map((x) => fill(x, vars));
  if (node !== null && typeof node === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(node)) out[k] = fill(v, vars);
    return out;
  }
  return node;
}

export interface StackTemplates {
  template: Record<string, Json>;
  files: Record<string, string>;
  parameters: Record<string, string>;
}

export interface BuildOptions {
  templatesDir: string;
  /** The management network (id or name). */
  managementNetwork: string;
  /** Source range allowed to reach the VMs' management ports. */
  vnfmCidr: string;
  /** Where connection points bound to no virtual link and no external link go (optional). */
  defaultDataNetwork?: string;
  /** VIM image id per image name (from ensureImages). */
  imageIds: Record<string, string>;
  /**
   * The shared flavor id per VDU and the shared management security group (shared.ts). Without them (a stack
   * made before they were shared), the stack holds its own flavors and group, as it did.
   */
  shared?: { flavorIds: Record<string, string>; securityGroup: string };
}

/** A Heat resource name from a TOSCA id (letters, digits, _ and -). */
export function resName(prefix: string, id: string): string {
  return `${prefix}_${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function load(dir: string, file: string): Json {
  // CORE_SCHEMA: heat_template_version 2018-08-31 must stay a string, not become a Date
  return yaml.load(fs.readFileSync(path.join(dir, file), 'utf8'), { schema: yaml.CORE_SCHEMA }) as Json;
}

/**
 * The Heat stack of a VNF instance, from heat-templates/: the top template (management security
 * group, a flavor per VDU, a network per internal virtual link, a scaling group per VDU) and one
 * nested template per VDU (its ports, management port first, and the server).
 */
export function buildStack(d: VnfDeployment, o: BuildOptions): StackTemplates {
  const id = d.vnfInstanceId;
  const top = fill(load(o.templatesDir, 'vnf.yaml'), { VNF_INSTANCE_ID: id }) as { [k: string]: Json };
  const resources = top['resources'] as { [k: string]: Json };
  const files: Record<string, string> = {};

  // the management API (and ControlSocket) ports, open to the VNFM's range only
  const parameters: Record<string, string> = { mgmt_network: o.managementNetwork, vnfm_cidr: o.vnfmCidr };
  let secgroup: Json = { get_resource: 'mgmt_secgroup' };
  if (o.shared !== undefined) {
    delete resources['mgmt_secgroup'];
    delete (top['parameters'] as { [k: string]: Json })['vnfm_cidr'];
    delete parameters['vnfm_cidr'];
    secgroup = o.shared.securityGroup;
  } else {
    const sg = resources['mgmt_secgroup'] as { properties: { rules: Json[] } };
    sg.properties.rules = managementPorts(d.vdus).map((p) => ({
      direction: 'ingress',
      protocol: 'tcp',
      port_range_min: p,
      port_range_max: p,
      remote_ip_prefix: { get_param: 'vnfm_cidr' },
    }));
  }

  // internal virtual links
  const vlNet: Record<string, Json> = {};
  d.virtualLinks.forEach((vl, i) => {
    if (vl.networkId !== undefined) {
      vlNet[vl.id] = vl.networkId;
      return;
    }
    const netRes = resName('vl', vl.id);
    const frag = fill(load(o.templatesDir, 'virtual-link.yaml'), {
      VNF_INSTANCE_ID: id,
      VL_ID: vl.id,
      NETWORK_REF: { get_resource: netRes },
      CIDR: vl.cidr ?? `192.168.${(i % 250) + 1}.0/24`,
    }) as { network: Json; subnet: Json };
    resources[netRes] = frag.network;
    resources[`${netRes}_subnet`] = frag.subnet;
    vlNet[vl.id] = { get_resource: netRes };
  });

  for (const v of d.vdus) {
    // flavor
    let flavor: Json | undefined = v.flavor.existingFlavor ?? o.shared?.flavorIds[v.vduId];
    if (flavor === undefined) {
      const fr = resName('flavor', v.vduId);
      resources[fr] = fill(load(o.templatesDir, 'flavor.yaml'), {
        VNF_INSTANCE_ID: id,
        VDU_ID: v.vduId,
        VCPUS: v.flavor.vcpus,
        RAM_MB: v.flavor.memoryMb,
        DISK_GB: v.flavor.diskGb,
        EXTRA_SPECS: extraSpecs(v),
      });
      flavor = { get_resource: fr };
    }
    // the nested VNFC template: ports in CP order (management first), then the server
    const vnfc = load(o.templatesDir, 'vnfc.yaml') as {
      parameters: { [k: string]: Json };
      resources: { [k: string]: Json };
    };
    const server = vnfc.resources['server'] as { properties: { networks: Json[] } };
    const cps = [...v.cps].sort((a, b) => Number(b.management) - Number(a.management) || a.order - b.order);
    const vnfcProps: { [k: string]: Json } = {
      flavor,
      image: imageFor(v, o.imageIds),
      mgmt_network: { get_param: 'mgmt_network' },
      mgmt_secgroup: secgroup,
      vnf_instance_id: id,
      vdu_id: v.vduId,
      dialect: v.dialect,
      api_port: String(v.managementPort),
      controlsocket_port: String(v.controlSocketPort ?? 8001),
    };
    for (const cp of cps) {
      const pr = resName('port', cp.cpdId);
      let network: Json;
      if (cp.management && cp.networkId === undefined) network = { get_param: 'mgmt_network' };
      else {
        const param = resName('net', cp.cpdId);
        vnfc.parameters[param] = { type: 'string' };
        const target =
          cp.networkId ??
          (cp.virtualLinkId !== undefined ? vlNet[cp.virtualLinkId] : undefined) ??
          o.defaultDataNetwork;
        if (target === undefined)
          throw new UnboundCpError(
            `VDU ${v.vduId}: connection point ${cp.cpdId} is bound to no internal virtual link ` +
              'and the request gives it no external network (extVirtualLinks); ' +
              'no default data network is configured (CLICKVNFM_OS_DATA_NETWORK)',
          );
        vnfcProps[param] = target;
        network = { get_param: param };
      }
      const port = fill(load(o.templatesDir, 'port.yaml'), {
        CPD_ID: cp.cpdId,
        NETWORK: network,
        VNIC_TYPE: cp.vnicType,
        PORT_SECURITY: cp.portSecurity,
      }) as { properties: { [k: string]: Json } };
      // port security on is the network's default: said only when off, since Neutron's policy lets only the
      // network's owner (or an admin) name it, and a project's ports on a shared network are not the owner's
      if (cp.portSecurity !== false) delete port.properties['port_security_enabled'];
      if (cp.management) port.properties['security_groups'] = [{ get_param: 'mgmt_secgroup' }];
      vnfc.resources[pr] = port;
      server.properties.networks.push({ port: { get_resource: pr } });
    }
    // the granted zone: a parameter of the nested template only when there is one (an unzoned stack is unchanged)
    if (v.availabilityZone !== undefined) {
      vnfc.parameters['availability_zone'] = { type: 'string' };
      (server.properties as { [k: string]: Json })['availability_zone'] = { get_param: 'availability_zone' };
      vnfcProps['availability_zone'] = v.availabilityZone;
    }
    const file = `vnfc-${v.vduId}.yaml`;
    files[file] = JSON.stringify(vnfc);
    resources[resName('group', v.vduId)] = fill(load(o.templatesDir, 'scaling-group.yaml'), {
      VDU_ID: v.vduId,
      MAX: Math.max(1, v.count),
      COUNT: v.count,
      VNFC_PROPERTIES: vnfcProps,
    });
  }
  return { template: top, files, parameters };
}

function imageFor(v: VduSpec, imageIds: Record<string, string>): string {
  const id = v.image.vimImageId ?? imageIds[v.image.name];
  if (id === undefined) throw new Error(`VDU ${v.vduId}: no VIM image for '${v.image.name}' (ensureImages first)`);
  return id;
}
