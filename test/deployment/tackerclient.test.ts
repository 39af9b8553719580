/**
 * OpenStack's own command line against the VNFM, unchanged: Debian's python3-tackerclient (`openstack vnflcm`,
 * `openstack vnf package`) with the mini-cloud's Keystone. The VNFM registers itself in the catalog
 * (`clickvnfm keystone register`, type nfv-orchestration) and takes the users' Keystone tokens (X-Auth-Token);
 * the client finds it there as it finds Tacker. A whole lifecycle runs through it on the mini-cloud.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli';
import { startTestRedis } from '../support/redis';
import {
  buildVariant,
  cloudConfigured,
  connectCloud,
  leftovers,
  removeStacks,
  startOpenStackVnfm,
  tinyQcow2,
} from './support';
import type { OpenStackClient } from '../../src/openstack';

if (!cloudConfigured()) throw new Error('the deployment suite needs the mini-cloud (scripts/test.sh starts it)');

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let vnfm: Awaited<ReturnType<typeof startOpenStackVnfm>>;
let os: OpenStackClient;
const dir = mkdtempSync(join(tmpdir(), 'tackerclient-'));

interface Run {
  code: number;
  out: string;
  err: string;
}
/** `openstack <args>` as an operator types it (the cloud from OS_CLOUD, or from `asCloud` alone). */
function openstack(...args: string[]): Promise<Run> {
  return openstackAs(undefined, ...args);
}
function openstackAs(asCloud: string | undefined, ...args: string[]): Promise<Run> {
  // another cloud entry: only clouds.yaml speaks (OS_USERNAME and friends would override the entry's user)
  const env =
    asCloud === undefined
      ? process.env
      : {
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_'))),
          OS_CLIENT_CONFIG_FILE: process.env['OS_CLIENT_CONFIG_FILE'],
          OS_CLOUD: asCloud,
        };
  return new Promise((resolve) => {
    execFile('openstack', args, { timeout: 120_000, env }, (error, out, err) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}
async function ok(...args: string[]): Promise<string> {
  const r = await openstack(...args);
  if (r.code !== 0) throw new Error(`openstack ${args.join(' ')} exited ${r.code}: ${r.err || r.out}`);
  return r.out;
}
const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await ok(...args, '-f', 'json')) as T;

/** Polls `openstack vnflcm op list` until the instance's latest operation of that kind ends. */
async function opEnds(instanceId: string, operation: string, ms = 240_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ops = await json<Array<Record<string, string>>>('vnflcm', 'op', 'list');
    const mine = ops.filter((o) => o['VNF Instance ID'] === instanceId && o['Operation'] === operation);
    const last = mine.at(-1);
    const state = last?.['Operation State'];
    if (state === 'COMPLETED') return state;
    if (state !== undefined && !['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(state)) {
      const occ = await json<Record<string, unknown>>('vnflcm', 'op', 'show', String(last?.['ID']));
      return `${state}: ${JSON.stringify(occ['Error'] ?? occ)}`;
    }
    if (Date.now() > deadline) throw new Error(`${operation} of ${instanceId} still ${state ?? 'not listed'}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

beforeAll(async () => {
  os = await connectCloud();
  redis = await startTestRedis();
  vnfm = await startOpenStackVnfm(redis.url, {}, { keystone: { cloud: process.env['OS_CLOUD'] ?? 'minicloud' } });
  // the VNFM in the catalog, as an operator registers it (the command, run in this process)
  process.exitCode = 0;
  await buildProgram().parseAsync(['node', 'clickvnfm', 'keystone', 'register', '--url', `${vnfm.url}/`]);
  expect(process.exitCode ?? 0).toBe(0);
}, 120_000);
const createdIds: string[] = [];
afterAll(async () => {
  await vnfm?.stop();
  await removeStacks([os], createdIds);
  await redis?.stop();
}, 120_000);

describe('python3-tackerclient (openstack vnflcm, openstack vnf package) with a Keystone token', () => {
  it('versions; a package created, uploaded, downloaded, its artifact read; a VNF through its lifecycle', async () => {
    const versions = await ok('vnflcm', 'versions');
    expect(versions).toMatch(/1\.3\.0/);

    // packages: create, upload a CSAR file, show until onboarded, enable, download it whole and one artifact
    const csar = await buildVariant({ sample: 'forwarder', image: tinyQcow2(1 << 30, `tc-${Date.now()}`) });
    writeFileSync(join(dir, 'forwarder.zip'), csar);
    const pkg = await json<{ ID: string }>('vnf', 'package', 'create');
    await ok('vnf', 'package', 'upload', '--path', join(dir, 'forwarder.zip'), pkg.ID);
    let shown: Record<string, unknown> = {};
    for (let i = 0; i < 100 && shown['Onboarding State'] !== 'ONBOARDED'; i++) {
      shown = await json('vnf', 'package', 'show', pkg.ID);
      if (shown['Onboarding State'] !== 'ONBOARDED') await new Promise((r) => setTimeout(r, 300));
    }
    expect(shown['Onboarding State']).toBe('ONBOARDED');
    await ok('vnf', 'package', 'update', '--operational-state', 'ENABLED', pkg.ID);
    await ok('vnf', 'package', 'download', '--file', join(dir, 'back.zip'), pkg.ID);
    expect(readFileSync(join(dir, 'back.zip')).equals(csar)).toBe(true);
    await ok(
      'vnf',
      'package',
      'artifact',
      'download',
      '--file',
      join(dir, 'f.click'),
      pkg.ID,
      'Files/click/forwarder.click',
    );
    expect(readFileSync(join(dir, 'f.click'), 'utf8')).toMatch(/FromDevice|FromDPDKDevice|ToDevice|Queue/);
    const vnfdId = String(shown['VNFD ID']);

    // the lifecycle
    const created = await json<{ ID: string }>('vnflcm', 'create', '--name', 'tackerclient', vnfdId);
    const id = created.ID;
    createdIds.push(id);
    writeFileSync(join(dir, 'instantiate.json'), JSON.stringify({ flavourId: 'simple' }));
    expect(await ok('vnflcm', 'instantiate', id, join(dir, 'instantiate.json'))).toMatch(/accepted/i);
    expect(await opEnds(id, 'INSTANTIATE')).toBe('COMPLETED');
    const vnf = await json<Record<string, unknown>>('vnflcm', 'show', id);
    expect(vnf['Instantiation State']).toBe('INSTANTIATED');
    expect(await ok('vnflcm', 'scale', '--type', 'SCALE_OUT', '--aspect-id', 'click_aspect', id)).toMatch(/accepted/i);
    expect(await opEnds(id, 'SCALE')).toBe('COMPLETED');
    const info = (await json<Record<string, unknown>>('vnflcm', 'show', id))['Instantiated Vnf Info'] as {
      vnfcResourceInfo: Array<{ id: string }>;
    };
    expect(info.vnfcResourceInfo).toHaveLength(2);
    const vnfc = info.vnfcResourceInfo[0]!.id;
    expect(await ok('vnflcm', 'heal', id, '--vnfc-instance', vnfc)).toMatch(/accepted/i);
    expect(await opEnds(id, 'HEAL')).toBe('COMPLETED');

    // a member of another project reads but may not change (Keystone role member = our reader)
    const listed = await openstackAs('minicloud-demo', 'vnflcm', 'list', '-f', 'json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.out) as Array<{ ID: string }>).map((v) => v.ID)).toContain(id);
    const demo = await openstackAs('minicloud-demo', 'vnflcm', 'create', vnfdId);
    expect(demo.code).not.toBe(0);
    expect(demo.err + demo.out).toMatch(/403|may only read|Forbidden/i);

    // terminate and delete in one (--D waits for the termination, then deletes the instance)
    await ok('vnflcm', 'terminate', '--D', id);
    const gone = await openstack('vnflcm', 'show', id);
    expect(gone.code).not.toBe(0);
    expect(gone.err + gone.out).toMatch(/404|not found|does not exist/i);
    expect(await leftovers(os, id)).toEqual([]);
  }, 900_000);
});
