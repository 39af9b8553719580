import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret } from '../../src/api';
import { loadConfig, processEnv } from '../../src/config';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';
import { startVnfm, type Vnfm } from '../../src/main';
import { OpenStackClient, resolveCloud } from '../../src/openstack';
export { tinyQcow2, buildVariant, type PackageVariant } from '../support/packages';

/** The suite needs the mini-cloud (test/minicloud/up.sh writes .minicloud/openrc; scripts/test.sh sources it). */
export function cloudConfigured(): boolean {
  const env = processEnv();
  return !!(env['OS_CLOUD'] || env['OS_AUTH_URL']);
}

export async function connectCloud(): Promise<OpenStackClient> {
  return OpenStackClient.connect(resolveCloud(processEnv(), { home: homedir(), cwd: process.cwd() }));
}

export const ADMIN_PASSWORD = randomBytes(12).toString('hex');
const basic = (): string => 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64');

/** The VNFM as an operator runs it against OpenStack: its HTTP API on a port, a worker, Redis. */
export async function startOpenStackVnfm(
  redisUrl: string,
  extra: Record<string, unknown> = {},
  more: Record<string, unknown> = {},
): Promise<Vnfm & { varDir: string }> {
  const varDir = mkdtempSync(join(tmpdir(), 'clickvnfm-deploy-'));
  const config = loadConfig(processEnv(), {
    overrides: {
      listen: { host: '127.0.0.1', port: 0 },
      varDir,
      redis: { url: redisUrl, prefix: `{d${randomBytes(3).toString('hex')}}` },
      onboardSamples: false,
      auth: { basic: true, users: [{ name: 'admin', passwordHash: hashSecret(ADMIN_PASSWORD), roles: ['admin'] }] },
      vim: {
        kind: 'openstack',
        managementNetwork: 'clickvnfm-mgmt',
        vnfmCidr: '127.0.0.0/8',
        defaultDataNetwork: 'clickvnfm-ext',
        ...extra,
      },
      log: { level: 'warn' },
      ...more,
    },
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };
  const vnfm = await startVnfm(config, 'all', quiet);
  return Object.assign(vnfm, { varDir });
}

/** A small HTTP client for the VNFM's API, as an NFVO would call it. */
export class Api {
  constructor(readonly base: string) {}
  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const isBuf = Buffer.isBuffer(body);
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: basic(),
        accept: 'application/json',
        version: '1.3.0',
        ...(body !== undefined ? { 'content-type': isBuf ? 'application/zip' : 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: isBuf ? new Uint8Array(body as Buffer) : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Creates a package resource and uploads the CSAR; resolves when it is ONBOARDED (or throws with the reason). */
  async onboard(csar: Buffer): Promise<{ id: string; vnfdId: string }> {
    const created = await this.call<{ id: string }>('POST', '/vnfpkgm/v1/vnf_packages', {});
    if (created.status !== 201) throw new Error(`create package: ${created.status} ${JSON.stringify(created.body)}`);
    const up = await this.call('PUT', `/vnfpkgm/v1/vnf_packages/${created.body.id}/package_content`, csar);
    if (up.status !== 202) throw new Error(`upload package: ${up.status} ${JSON.stringify(up.body)}`);
    for (let i = 0; i < 200; i++) {
      const p = await this.call<{ onboardingState: string; vnfdId?: string; onboardingFailureDetails?: unknown }>(
        'GET',
        `/vnfpkgm/v1/vnf_packages/${created.body.id}`,
      );
      if (p.body.onboardingState === 'ONBOARDED') {
        const en = await this.call(
          'PATCH',
          `/vnfpkgm/v1/vnf_packages/${created.body.id}`,
          { operationalState: 'ENABLED' },
          { 'content-type': 'application/merge-patch+json' },
        );
        if (en.status !== 200) throw new Error(`enable package: ${en.status} ${JSON.stringify(en.body)}`);
        return { id: created.body.id, vnfdId: p.body.vnfdId as string };
      }
      if (p.body.onboardingFailureDetails)
        throw new Error(`onboarding failed: ${JSON.stringify(p.body.onboardingFailureDetails)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('package not onboarded in 20 s');
  }

  /** Starts a task; returns the op-occ once it ends (COMPLETED, FAILED_TEMP, FAILED, ROLLED_BACK). */
  async task(method: string, path: string, body: unknown, timeoutMs = 240_000): Promise<VnfLcmOpOcc> {
    const res = await this.call(method, path, body);
    if (res.status !== 202) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return this.waitOp(res.headers.get('location') as string, timeoutMs);
  }

  async waitOp(location: string, timeoutMs = 240_000): Promise<VnfLcmOpOcc> {
    const path = new URL(location).pathname;
    const deadline = Date.now() + timeoutMs;
    let last: VnfLcmOpOcc | undefined;
    while (Date.now() < deadline) {
      last = (await this.call<VnfLcmOpOcc>('GET', path)).body;
      if (['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'].includes(last.operationState)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`op-occ ${path} still ${last?.operationState ?? '?'} after ${timeoutMs} ms`);
  }
}

/** What the cloud holds for an instance, seen through the OpenStack APIs (not the VNFM). */
export async function leftovers(os: OpenStackClient, id: string): Promise<string[]> {
  const out: string[] = [];
  const prefix = `vnf-${id}`;
  // a deleted stack can still be read by name for a moment, as DELETE_COMPLETE (Heat's soft-deleted record)
  const stack = await os.orchestration.find(prefix);
  if (stack && stack.stack_status !== 'DELETE_COMPLETE') out.push(`stack ${stack.stack_status}`);
  for await (const s of os.compute.listServers({ name: `^${prefix}` })) out.push(`server ${s.name}`);
  for (const p of await os.network.listPorts()) if (p.name.startsWith(prefix)) out.push(`port ${p.name}`);
  for (const n of await os.network.listNetworks()) if (n.name.startsWith(prefix)) out.push(`network ${n.name}`);
  for (const g of await os.network.listSecurityGroups())
    if (g.name.startsWith(prefix)) out.push(`security group ${g.name}`);
  for (const f of await os.compute.listFlavors()) if (f.name.startsWith(prefix)) out.push(`flavor ${f.name}`);
  for (const i of await os.image.findByTag(`clickvnfm-vnf:${id}`)) out.push(`image ${i.id}`);
  return out;
}

/** Deletes the stacks a failed test left (in each cloud given), so that the next tests start from a clean cloud. */
export async function removeStacks(clouds: OpenStackClient[], instanceIds: string[]): Promise<void> {
  for (const id of instanceIds)
    for (const os of clouds) {
      const st = await os.orchestration.find(`vnf-${id}`).catch(() => undefined);
      if (st) await os.orchestration.delete(`vnf-${id}`, st.id).catch(() => undefined);
    }
}
