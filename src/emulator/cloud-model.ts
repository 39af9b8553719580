/**
 * The emulated cloud's wire types (its HTTP API between EmulatedVim and EmulatedCloud), narrowed
 * from `unknown` at the edge.
 */
import type { EmulatedDialect } from './emulated-vm';
import { parseVmFault, type VmFaultSpec } from './vm-faults';

/**
 * Faults a test can inject, per VNF instance and optionally per VDU:
 * - `image-upload-refused`: ensureImages fails (403 from the cloud);
 * - `server-error` (alias `stack-create-failed`): the VDU's servers go to ERROR with a reason;
 * - `agent-never-ready`: the servers are ACTIVE but their management API never listens;
 * - `click-rejects-config`: Click refuses every configuration (the agent reports Click's message).
 */
export type CloudFault =
  'image-upload-refused' | 'server-error' | 'stack-create-failed' | 'agent-never-ready' | 'click-rejects-config';
export const CLOUD_FAULTS: readonly CloudFault[] = [
  'image-upload-refused',
  'server-error',
  'stack-create-failed',
  'agent-never-ready',
  'click-rejects-config',
];

export interface CloudFaultRule {
  instanceId: string;
  fault: CloudFault;
  /** Only this VDU's servers (all VDUs of the instance when absent). */
  vduId?: string;
}

export interface CloudCp {
  cpdId: string;
  order: number;
  vnicType: string;
  management: boolean;
}

/** One VDU as the cloud's create-or-update takes it. */
export interface CloudVdu {
  vduId: string;
  count: number;
  dialect: EmulatedDialect;
  imageId?: string;
  cps?: CloudCp[];
  /** The availability zone its new servers are placed in (recorded on each server, as Nova reports it). */
  availabilityZone?: string;
}

export interface CloudPort {
  cpdId: string;
  portId: string;
  vnicType: string;
  macAddress: string;
  ipAddresses: string[];
}

/** One server (a VNFC) as the cloud reports it. */
export interface CloudServer {
  id: string;
  name: string;
  vduId: string;
  instanceId: string;
  status: 'ACTIVE' | 'SHUTOFF' | 'ERROR';
  /** Management address and ports of its emulated VM. */
  address: string;
  port: number;
  controlPort: number;
  dialect: EmulatedDialect;
  ports: CloudPort[];
  imageId?: string;
  fault?: string;
  /** The availability zone it was placed in, when one was asked for. */
  availabilityZone?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A request the cloud refuses; `status` is the HTTP status its API answers. */
export class CloudError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown for a body the cloud cannot use; the route answers 400 with the message. */
export class CloudBadRequest extends Error {}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new CloudBadRequest(`${where}.${key} must be a non-empty string`);
  return v;
}

export function parseVdus(body: unknown): CloudVdu[] {
  if (!isRecord(body) || !Array.isArray(body['vdus'])) throw new CloudBadRequest('the body must be {"vdus": [...]}');
  return body['vdus'].map((v: unknown, i) => {
    const where = `vdus[${i}]`;
    if (!isRecord(v)) throw new CloudBadRequest(`${where} must be an object`);
    const count = v['count'];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 64)
      throw new CloudBadRequest(`${where}.count must be an integer 0..64`);
    const dialect = v['dialect'];
    if (dialect !== 'click-plugin' && dialect !== 'osv-controlsocket')
      throw new CloudBadRequest(`${where}.dialect must be click-plugin or osv-controlsocket`);
    const out: CloudVdu = { vduId: str(v, 'vduId', where), count, dialect };
    if (typeof v['imageId'] === 'string') out.imageId = v['imageId'];
    if (typeof v['availabilityZone'] === 'string') out.availabilityZone = v['availabilityZone'];
    if (Array.isArray(v['cps'])) {
      out.cps = v['cps'].filter(isRecord).map((c) => ({
        cpdId: String(c['cpdId']),
        order: Number(c['order'] ?? 0),
        vnicType: String(c['vnicType'] ?? 'normal'),
        management: c['management'] === true,
      }));
    }
    return out;
  });
}

export function parseFault(body: unknown): CloudFaultRule {
  if (!isRecord(body)) throw new CloudBadRequest('the body must be {"instanceId", "fault", "vduId"?}');
  const fault = body['fault'];
  if (!CLOUD_FAULTS.includes(fault as CloudFault))
    throw new CloudBadRequest(`fault must be one of ${CLOUD_FAULTS.join(', ')}`);
  const out: CloudFaultRule = { instanceId: str(body, 'instanceId', 'body'), fault: fault as CloudFault };
  if (typeof body['vduId'] === 'string') out.vduId = body['vduId'];
  return out;
}

export function parseImage(body: unknown): { name: string; checksum: string; instanceId: string } {
  if (!isRecord(body)) throw new CloudBadRequest('the body must be {"name", "checksum", "instanceId"}');
  return {
    name: str(body, 'name', 'body'),
    checksum: str(body, 'checksum', 'body'),
    instanceId: str(body, 'instanceId', 'body'),
  };
}

export function parsePower(body: unknown): 'on' | 'off' {
  const state = isRecord(body) ? body['state'] : undefined;
  if (state !== 'on' && state !== 'off') throw new CloudBadRequest('the body must be {"state": "on" | "off"}');
  return state;
}

/** A heal's body: `{}` (the same image), or `{imageId}` (boot the new server from that image). */
export function parseReplace(body: unknown): { imageId?: string } {
  if (body === undefined) return {};
  if (!isRecord(body)) throw new CloudBadRequest('the body must be {} or {"imageId": "..."}');
  const imageId = body['imageId'];
  if (imageId === undefined) return {};
  if (typeof imageId !== 'string' || imageId === '') throw new CloudBadRequest('imageId must be a non-empty string');
  return { imageId };
}

/**
 * A fault injected into one running VNFC by server id: the VM faults (`nf-crash`, `api-hang`, `drops`, see
 * vm-faults.ts), or `shutoff` (the server goes to SHUTOFF, its VM powers off) and `start` (ACTIVE again, the
 * VM boots from its disk, Click not running).
 */
export type VnfcFault = VmFaultSpec | { fault: 'shutoff' } | { fault: 'start' };

/** `{fault, ...}` of `PUT /servers/{id}/faults`. */
export function parseVnfcFault(body: unknown): VnfcFault {
  const fault = isRecord(body) ? body['fault'] : undefined;
  if (fault === 'shutoff' || fault === 'start') return { fault };
  return parseVmFault(body);
}

/** Nova's server actions the cloud knows: `{"os-stop": null}` -> shutoff, `{"os-start": null}` -> start. */
export function parseServerAction(body: unknown): VnfcFault {
  const keys = isRecord(body) ? Object.keys(body) : [];
  if (keys.length === 1 && keys[0] === 'os-stop') return { fault: 'shutoff' };
  if (keys.length === 1 && keys[0] === 'os-start') return { fault: 'start' };
  throw new CloudBadRequest('the body must be {"os-stop": null} or {"os-start": null}');
}
