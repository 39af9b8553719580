import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipFiles } from '../../src/tosca';
import { NfvoSimulator, type Grant, type ProblemDetails, type VnfPkgInfo } from '../support/nfvo-simulator';

/** The NFVO simulator itself (SOL003 clauses 9 and 10, NFVO side), before the VNFM is pointed at it. */
const USER = { user: 'vnfm', password: 's3cret' };
const CLIENT = { clientId: 'vnfm-client', clientSecret: 'client-s3cret' };
const BASIC = { authorization: 'Basic ' + Buffer.from(`${USER.user}:${USER.password}`).toString('base64') };
const VIM = { id: 'vim-conn-1', vimId: 'openstack-1', vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3' };
const ASSETS = {
  computeResourceFlavours: [
    { vimConnectionId: 'vim-conn-1', vnfdVirtualComputeDescId: 'VDU1', vimFlavourId: 'm1.tiny' },
  ],
  softwareImages: [{ vimConnectionId: 'vim-conn-1', vnfdSoftwareImageId: 'VDU1', vimSoftwareImageId: 'image-42' }],
};

const sim = new NfvoSimulator({
  auth: { basic: USER, oauth2: CLIENT },
  vimConnections: [VIM],
  zones: [{ id: 'zone-1', zoneId: 'nova', vimConnectionId: 'vim-conn-1' }],
  vimAssets: ASSETS,
});
let base: string;

beforeAll(async () => {
  base = await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.mode = 'sync';
  sim.asyncPolls = 2;
});

function grantRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vnfInstanceId: 'inst-1',
    vnfLcmOpOccId: 'occ-1',
    vnfdId: 'vnfd-1',
    flavourId: 'simple',
    operation: 'INSTANTIATE',
    isAutomaticInvocation: false,
    addResources: [
      { id: 'res-1', type: 'COMPUTE', vduId: 'VDU1', resourceTemplateId: 'VDU1' },
      { id: 'res-2', type: 'VL', resourceTemplateId: 'internal_vl' },
    ],
    _links: {
      vnfLcmOpOcc: { href: 'http://vnfm/vnflcm/v1/vnf_lcm_op_occs/occ-1' },
      vnfInstance: { href: 'http://vnfm/vnflcm/v1/vnf_instances/inst-1' },
    },
    ...overrides,
  };
}

function postGrant(body: unknown, headers: Record<string, string> = BASIC): Promise<Response> {
  return fetch(`${base}/grant/v1/grants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectProblem(res: Response, status: number): Promise<ProblemDetails> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await res.json()) as ProblemDetails;
  expect(problem.status).toBe(status);
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  return problem;
}

describe('Grant (SOL003 clause 9)', () => {
  it('sync: 201 with Location and the Grant, vimAssets echoed, one GrantInfo per addResource', async () => {
    const before = sim.grantRequests.length;
    const res = await postGrant(grantRequest());
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    const grant = (await res.json()) as Grant;
    expect(res.headers.get('location')).toBe(`${base}/grant/v1/grants/${grant.id}`);
    expect(grant).toMatchObject({
      vnfInstanceId: 'inst-1',
      vnfLcmOpOccId: 'occ-1',
      vimConnections: [VIM],
      zones: [{ id: 'zone-1', zoneId: 'nova' }],
      vimAssets: ASSETS,
      _links: {
        self: { href: `${base}/grant/v1/grants/${grant.id}` },
        vnfLcmOpOcc: { href: 'http://vnfm/vnflcm/v1/vnf_lcm_op_occs/occ-1' },
        vnfInstance: { href: 'http://vnfm/vnflcm/v1/vnf_instances/inst-1' },
      },
    });
    expect(grant.addResources).toEqual([
      { resourceDefinitionId: 'res-1', vimConnectionId: 'vim-conn-1', zoneId: 'zone-1' },
      { resourceDefinitionId: 'res-2', vimConnectionId: 'vim-conn-1', zoneId: 'zone-1' },
    ]);
    expect(sim.grantRequests).toHaveLength(before + 1);
    expect(sim.grantRequests[before]?.body).toEqual(grantRequest());
    expect(sim.grantRequests[before]?.headers.authorization).toBe(BASIC.authorization);
    const again = await fetch(`${base}/grant/v1/grants/${grant.id}`, { headers: BASIC });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(grant);
  });

  it('vimAssets can be changed between grants', async () => {
    const saved = sim.vimAssets;
    sim.vimAssets = { softwareImages: [{ vnfdSoftwareImageId: 'VDU1', vimSoftwareImageId: 'other' }] };
    try {
      const grant = (await (await postGrant(grantRequest())).json()) as Grant;
      expect(grant.vimAssets).toEqual(sim.vimAssets);
    } finally {
      sim.vimAssets = saved;
    }
  });

  it('async: 202 with Location and no body, GET 202 asyncPolls times, then 200 with the Grant', async () => {
    sim.mode = 'async';
    sim.asyncPolls = 2;
    const res = await postGrant(grantRequest({ vnfLcmOpOccId: 'occ-async' }));
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    const location = res.headers.get('location') as string;
    expect(location).toMatch(new RegExp(`^${base}/grant/v1/grants/[0-9a-f-]{36}$`));
    for (let i = 0; i < 2; i++) {
      const poll = await fetch(location, { headers: BASIC });
      expect(poll.status).toBe(202);
      expect(await poll.text()).toBe('');
    }
    const done = await fetch(location, { headers: BASIC });
    expect(done.status).toBe(200);
    const grant = (await done.json()) as Grant;
    expect(grant._links.self.href).toBe(location);
    expect(grant.vnfLcmOpOccId).toBe('occ-async');
    expect(grant.vimAssets).toEqual(ASSETS);
  });

  it('refuse: 403 ProblemDetails with the reason', async () => {
    sim.mode = 'refuse';
    sim.refuseReason = 'quota exceeded';
    const problem = await expectProblem(await postGrant(grantRequest()), 403);
    expect(problem).toEqual({
      status: 403,
      title: 'Forbidden',
      detail: 'grant refused by the NFVO simulator: quota exceeded',
    });
  });

  it('error: 500 ProblemDetails', async () => {
    sim.mode = 'error';
    await expectProblem(await postGrant(grantRequest()), 500);
  });

  it('400 ProblemDetails on a bad GrantRequest, whatever the mode', async () => {
    await expectProblem(await postGrant('{not json'), 400);
    await expectProblem(await postGrant([]), 400);
    for (const key of ['vnfInstanceId', 'vnfLcmOpOccId', 'vnfdId', 'operation', '_links'])
      await expectProblem(await postGrant(grantRequest({ [key]: undefined })), 400);
    await expectProblem(await postGrant(grantRequest({ operation: 'MODIFY_INFO' })), 400);
    await expectProblem(await postGrant(grantRequest({ _links: { vnfInstance: { href: 'x' } } })), 400);
    await expectProblem(await postGrant(grantRequest({ addResources: [{ id: 'r', type: 'GPU' }] })), 400);
    sim.mode = 'async';
    await expectProblem(await postGrant(grantRequest({ vnfdId: 7 })), 400);
  });

  it('404 ProblemDetails for an unknown grant', async () => {
    await expectProblem(await fetch(`${base}/grant/v1/grants/nope`, { headers: BASIC }), 404);
  });
});

describe('authentication', () => {
  it('401 ProblemDetails without or with wrong credentials; the request is still recorded', async () => {
    const before = sim.grantRequests.length;
    const res = await postGrant(grantRequest(), {});
    await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/Basic/);
    const wrong = 'Basic ' + Buffer.from('vnfm:wrong').toString('base64');
    await expectProblem(await postGrant(grantRequest(), { authorization: wrong }), 401);
    await expectProblem(await postGrant(grantRequest(), { authorization: 'Bearer made-up' }), 401);
    await expectProblem(await fetch(`${base}/vnfpkgm/v1/onboarded_vnf_packages/x`), 401);
    expect(sim.grantRequests).toHaveLength(before + 3);
    expect(sim.grantRequests[before]?.headers.authorization).toBeUndefined();
  });

  it('OAuth2 client credentials: POST /token, then Bearer; expired tokens are refused', async () => {
    const client = 'Basic ' + Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const res = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { ...form, authorization: client },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const token = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(token).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    const bearer = { authorization: `Bearer ${token.access_token}` };
    expect((await postGrant(grantRequest(), bearer)).status).toBe(201);

    const badClient = 'Basic ' + Buffer.from(`${CLIENT.clientId}:nope`).toString('base64');
    const refused = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { ...form, authorization: badClient },
      body: 'grant_type=client_credentials',
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
    const wrongGrant = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { ...form, authorization: client },
      body: 'grant_type=password',
    });
    expect(wrongGrant.status).toBe(400);
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });

    sim.expireTokens();
    await expectProblem(await postGrant(grantRequest(), bearer), 401);
  });

  it('a simulator without auth options accepts every request', async () => {
    const open = new NfvoSimulator();
    const url = await open.start();
    try {
      const res = await fetch(`${url}/grant/v1/grants`, { method: 'POST', body: JSON.stringify(grantRequest()) });
      expect(res.status).toBe(201);
      expect((await res.json()) as Grant).not.toHaveProperty('vimAssets');
    } finally {
      await open.stop();
    }
  });
});

describe('VNF packages (SOL003 clause 10)', () => {
  let csar: Buffer;
  let info: VnfPkgInfo;
  const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

  beforeAll(async () => {
    csar = await zipFiles(
      new Map([
        ['TOSCA-Metadata/TOSCA.meta', Buffer.from('TOSCA-Meta-File-Version: 1.0\n')],
        ['Definitions/vnfd.yaml', Buffer.from('tosca_definitions_version: tosca_simple_yaml_1_2\n')],
      ]),
    );
    info = sim.addPackage({
      vnfdId: 'vnfd-pkg-1',
      csar,
      provider: 'Acme',
      productName: 'click-router',
      softwareVersion: '1.0',
      vnfdVersion: '1.0',
    });
  });

  it('GET onboarded_vnf_packages/{vnfdId}: VnfPkgInfo whose checksum is the SHA-256 of package_content', async () => {
    const res = await fetch(`${base}/vnfpkgm/v1/onboarded_vnf_packages/vnfd-pkg-1`, { headers: BASIC });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const pkg = (await res.json()) as VnfPkgInfo;
    expect(pkg).toMatchObject({
      id: info.id,
      vnfdId: 'vnfd-pkg-1',
      vnfProvider: 'Acme',
      vnfProductName: 'click-router',
      vnfSoftwareVersion: '1.0',
      vnfdVersion: '1.0',
      checksum: { algorithm: 'SHA-256', hash: sha256(csar) },
      onboardingState: 'ONBOARDED',
      operationalState: 'ENABLED',
      usageState: 'NOT_IN_USE',
    });
    expect(pkg._links.self.href).toBe(`${base}/vnfpkgm/v1/vnf_packages/${info.id}`);
    expect(pkg._links.packageContent.href).toBe(`${base}/vnfpkgm/v1/vnf_packages/${info.id}/package_content`);

    for (const url of [
      `${base}/vnfpkgm/v1/onboarded_vnf_packages/vnfd-pkg-1/package_content`,
      pkg._links.packageContent.href,
    ]) {
      const content = await fetch(url, { headers: BASIC });
      expect(content.status).toBe(200);
      expect(content.headers.get('content-type')).toBe('application/zip');
      const bytes = Buffer.from(await content.arrayBuffer());
      expect(bytes.equals(csar)).toBe(true);
      expect(sha256(bytes)).toBe(pkg.checksum.hash);
    }
    const byId = await fetch(pkg._links.self.href, { headers: BASIC });
    expect(await byId.json()).toEqual(pkg);
  });

  it('corruptChecksum: the content served does not match the checksum', async () => {
    sim.addPackage({
      vnfdId: 'vnfd-corrupt',
      csar,
      provider: 'Acme',
      productName: 'click-router',
      softwareVersion: '1.0',
      vnfdVersion: '1.0',
      corruptChecksum: true,
    });
    const pkg = (await (
      await fetch(`${base}/vnfpkgm/v1/onboarded_vnf_packages/vnfd-corrupt`, { headers: BASIC })
    ).json()) as VnfPkgInfo;
    expect(pkg.checksum.hash).toBe(sha256(csar));
    const content = await fetch(`${base}/vnfpkgm/v1/onboarded_vnf_packages/vnfd-corrupt/package_content`, {
      headers: BASIC,
    });
    expect(content.status).toBe(200);
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(sha256(bytes)).not.toBe(pkg.checksum.hash);
  });

  it('404 ProblemDetails for an unknown vnfdId or package id', async () => {
    await expectProblem(await fetch(`${base}/vnfpkgm/v1/onboarded_vnf_packages/unknown`, { headers: BASIC }), 404);
    await expectProblem(
      await fetch(`${base}/vnfpkgm/v1/onboarded_vnf_packages/unknown/package_content`, { headers: BASIC }),
      404,
    );
    await expectProblem(await fetch(`${base}/vnfpkgm/v1/vnf_packages/unknown`, { headers: BASIC }), 404);
  });
});

describe('package subscriptions and notifications (SOL003 10.4.7, 10.4.8)', () => {
  const received: Array<{ method: string; authorization?: string; body: string }> = [];
  let answer = 204;
  let consumer: Server;
  let callbackUri: string;
  const creds = { userName: 'nfvo-to-vnfm', password: 'cb-s3cret' };
  const json = { ...BASIC, 'content-type': 'application/json' };
  const subscribe = (body: unknown) =>
    fetch(`${base}/vnfpkgm/v1/subscriptions`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(body),
      redirect: 'manual',
    });
  const request = () => ({
    filter: { notificationTypes: ['VnfPackageChangeNotification'] },
    callbackUri,
    authentication: { authType: ['BASIC'], paramsBasic: creds },
  });

  beforeAll(async () => {
    consumer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          body,
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => consumer.listen(0, '127.0.0.1', () => r()));
    callbackUri = `http://127.0.0.1:${(consumer.address() as AddressInfo).port}/callback`;
  });
  afterAll(() => new Promise<void>((r) => consumer.close(() => r())));
  beforeEach(() => {
    sim.forgetSubscriptions();
    received.length = 0;
    answer = 204;
  });

  it('POST tests the callback with the Basic credentials, then 201; GET; the same again: 303; DELETE', async () => {
    const created = await subscribe(request());
    expect(created.status).toBe(201);
    const sub = (await created.json()) as { id: string; callbackUri: string; authentication?: unknown };
    expect(sub).toMatchObject({ callbackUri });
    expect(sub).not.toHaveProperty('authentication');
    const basic = 'Basic ' + Buffer.from(`${creds.userName}:${creds.password}`).toString('base64');
    expect(received).toEqual([{ method: 'GET', authorization: basic, body: '' }]);
    expect(created.headers.get('location')).toBe(`${base}/vnfpkgm/v1/subscriptions/${sub.id}`);

    expect((await fetch(`${base}/vnfpkgm/v1/subscriptions/${sub.id}`, { headers: BASIC })).status).toBe(200);
    const again = await subscribe(request());
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`${base}/vnfpkgm/v1/subscriptions/${sub.id}`);
    const del = await fetch(`${base}/vnfpkgm/v1/subscriptions/${sub.id}`, { method: 'DELETE', headers: BASIC });
    expect(del.status).toBe(204);
    await expectProblem(await fetch(`${base}/vnfpkgm/v1/subscriptions/${sub.id}`, { headers: BASIC }), 404);
  });

  it('no callbackUri: 400; a callback that fails the test GET: 422; no credentials: 401', async () => {
    await expectProblem(await subscribe({ filter: {} }), 400);
    answer = 500;
    await expectProblem(await subscribe(request()), 422);
    expect(sim.subscriptions).toEqual([]);
    const anonymous = await fetch(`${base}/vnfpkgm/v1/subscriptions`, { method: 'POST', body: '{}' });
    await expectProblem(anonymous, 401);
  });

  it('a change of state is delivered to the subscriptions whose filter takes it, with their credentials', async () => {
    const created = (await (await subscribe(request())).json()) as { id: string };
    const pkg = sim.addPackage({
      vnfdId: 'vnfd-notified',
      csar: Buffer.from('PK'),
      provider: 'Acme',
      productName: 'p',
      softwareVersion: '1',
      vnfdVersion: '1',
    });
    received.length = 0;
    const [d] = await sim.setOperationalState(pkg.id, 'DISABLED');
    expect(d?.status).toBe(204);
    const n = JSON.parse(received[0]?.body ?? '{}') as Record<string, unknown>;
    expect(n).toMatchObject({
      notificationType: 'VnfPackageChangeNotification',
      subscriptionId: created.id,
      vnfPkgId: pkg.id,
      vnfdId: 'vnfd-notified',
      changeType: 'OP_STATE_CHANGE',
      operationalState: 'DISABLED',
      _links: { vnfPackage: { href: `${base}/vnfpkgm/v1/vnf_packages/${pkg.id}` } },
    });
    expect(received[0]?.authorization).toBe('Basic ' + Buffer.from('nfvo-to-vnfm:cb-s3cret').toString('base64'));
    const info = (await (await fetch(`${base}/vnfpkgm/v1/vnf_packages/${pkg.id}`, { headers: BASIC })).json()) as {
      operationalState: string;
    };
    expect(info.operationalState).toBe('DISABLED');
    // the filter takes change notifications only
    expect(
      await sim.notify({ notificationType: 'VnfPackageOnboardingNotification', vnfPkgId: pkg.id, vnfdId: 'x' }),
    ).toEqual([]);
  });
});
