/**
 * A small NFVO for the tests, written from ETSI GS NFV-SOL 003 v2.6.1: the Grant interface (clause 9) and
 * the VNF Package Management interface as the VNFM consumes it (clause 10): onboarded packages, and
 * subscriptions to package notifications (10.4.7, 10.4.8), delivered to the subscriber's callbackUri with
 * the subscription's Basic credentials. The VNFM under test is its client.
 *
 * Behaviour is set per simulator and may change at any time (`sim.mode = 'refuse'`): grants are answered
 * synchronously (201), asynchronously (202, then GET polls 202 ... 200), refused (403) or failed (500).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type NfvoMode = 'sync' | 'async' | 'refuse' | 'error';

export interface NfvoAuthOptions {
  /** HTTP Basic credentials the API accepts */
  basic?: { user: string; password: string };
  /** OAuth 2.0 client credentials: `POST /token` issues Bearer tokens the API accepts */
  oauth2?: { clientId: string; clientSecret: string };
}

/** SOL003 VimConnectionInfo (4.4.1.6) */
export interface VimConnectionInfo {
  id: string;
  vimId?: string;
  vimType: string;
  interfaceInfo?: Record<string, unknown>;
  accessInfo?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** SOL003 ZoneInfo (9.5.3.3) */
export interface ZoneInfo {
  id: string;
  zoneId: string;
  vimConnectionId?: string;
  resourceProviderId?: string;
}

/** SOL003 VimComputeResourceFlavour (9.5.3.5) */
export interface VimComputeResourceFlavour {
  vimConnectionId?: string;
  resourceProviderId?: string;
  vnfdVirtualComputeDescId: string;
  vimFlavourId: string;
}

/** SOL003 VimSoftwareImage (9.5.3.6) */
export interface VimSoftwareImage {
  vimConnectionId?: string;
  resourceProviderId?: string;
  vnfdSoftwareImageId: string;
  vimSoftwareImageId: string;
}

export interface VimAssets {
  computeResourceFlavours?: VimComputeResourceFlavour[];
  softwareImages?: VimSoftwareImage[];
}

/** SOL003 GrantInfo (9.5.3.4) */
export interface GrantInfo {
  resourceDefinitionId: string;
  vimConnectionId?: string;
  zoneId?: string;
}

/** The lists of resources a grant request and its grant have. */
export type GrantList = 'addResources' | 'removeResources' | 'updateResources';

export interface Link {
  href: string;
}

/** SOL003 Grant (9.5.2.3), as far as the simulator fills it */
export interface Grant {
  id: string;
  vnfInstanceId: string;
  vnfLcmOpOccId: string;
  vimConnections?: VimConnectionInfo[];
  zones?: ZoneInfo[];
  addResources?: GrantInfo[];
  removeResources?: GrantInfo[];
  updateResources?: GrantInfo[];
  vimAssets?: VimAssets;
  _links: { self: Link; vnfLcmOpOcc: Link; vnfInstance: Link };
}

/** SOL003 ResourceDefinition (9.5.3.2), the part the simulator reads */
export interface ResourceDefinition {
  id: string;
  type: 'COMPUTE' | 'VL' | 'STORAGE' | 'LINKPORT';
  vduId?: string;
  resourceTemplateId?: string;
  [other: string]: unknown;
}

/** SOL003 GrantRequest (9.5.2.2), the part the simulator reads */
export interface GrantRequest {
  vnfInstanceId: string;
  vnfLcmOpOccId: string;
  vnfdId: string;
  flavourId?: string;
  operation: string;
  isAutomaticInvocation?: boolean;
  addResources?: ResourceDefinition[];
  removeResources?: ResourceDefinition[];
  updateResources?: ResourceDefinition[];
  _links: { vnfLcmOpOcc: Link; vnfInstance: Link };
  [other: string]: unknown;
}

/** SOL013 ProblemDetails */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  instance?: string;
}

/** SOL003 VnfPkgInfo (10.5.2.2), as far as the simulator fills it */
export interface VnfPkgInfo {
  id: string;
  vnfdId: string;
  vnfProvider: string;
  vnfProductName: string;
  vnfSoftwareVersion: string;
  vnfdVersion: string;
  checksum: { algorithm: 'SHA-256'; hash: string };
  onboardingState: 'ONBOARDED';
  operationalState: 'ENABLED' | 'DISABLED';
  usageState: 'IN_USE' | 'NOT_IN_USE';
  _links: { self: Link; vnfd: Link; packageContent: Link };
}

export interface AddPackageOptions {
  vnfdId: string;
  /** the package (CSAR zip) bytes */
  csar: Buffer;
  provider: string;
  productName: string;
  softwareVersion: string;
  vnfdVersion: string;
  /** the package id (vnfPkgId); a random UUID by default */
  id?: string;
  usageState?: 'IN_USE' | 'NOT_IN_USE';
  /** serve bytes other than those the checksum was computed over */
  corruptChecksum?: boolean;
}

export interface NfvoSimulatorOptions {
  /** no auth: every request is accepted */
  auth?: NfvoAuthOptions;
  /** default 'sync' */
  mode?: NfvoMode;
  /** in 'async' mode, how many GETs of a grant answer 202 before it is available (default 2) */
  asyncPolls?: number;
  /** the <reason> of a refusal's detail (default 'no capacity') */
  refuseReason?: string;
  vimConnections?: VimConnectionInfo[];
  zones?: ZoneInfo[];
  vimAssets?: VimAssets;
  /** expires_in of issued access tokens (default 3600 s) */
  tokenLifetimeSeconds?: number;
  /** test a new subscription's callbackUri with GET (SOL003 10.4.7.3.1; 204 expected) first (default true) */
  testCallbacks?: boolean;
}

/** SOL003 PkgmSubscription (10.5.2.4), with the credentials the subscriber gave (kept to deliver) */
export interface PkgmSubscription {
  id: string;
  filter?: { notificationTypes?: string[]; vnfdId?: string[]; vnfPkgId?: string[]; [other: string]: unknown };
  callbackUri: string;
  /** the request's authentication.paramsBasic (never answered by the API) */
  basic?: { userName: string; password: string };
}

/** One notification POSTed to a subscriber, and its answer */
export interface Delivery {
  subscriptionId: string;
  notification: unknown;
  /** the HTTP status; 0 when the callback did not answer */
  status: number;
  body: string;
}

/** What `notify` fills in itself: the rest of SOL003 10.5.2.5 / 10.5.2.6 */
export interface PkgmNotificationInput {
  notificationType: 'VnfPackageOnboardingNotification' | 'VnfPackageChangeNotification';
  vnfPkgId: string;
  vnfdId: string;
  changeType?: 'OP_STATE_CHANGE' | 'PKG_DELETE';
  operationalState?: 'ENABLED' | 'DISABLED';
  /** default: a new UUID (the same for every subscription, as SOL003 wants) */
  id?: string;
  timeStamp?: string;
}

export interface RecordedGrantRequest {
  /** the parsed JSON body, or the raw text when it is no JSON */
  body: unknown;
  headers: IncomingHttpHeaders;
}

const OPERATIONS = new Set([
  'INSTANTIATE',
  'SCALE',
  'SCALE_TO_LEVEL',
  'CHANGE_FLAVOUR',
  'TERMINATE',
  'HEAL',
  'OPERATE',
  'CHANGE_EXT_CONN',
  // SOL003 v3.3.1 9.5.4.2 GrantedLcmOperationType (with dstVnfdId)
  'CHANGE_VNFPKG',
]);
const RESOURCE_TYPES = new Set(['COMPUTE', 'VL', 'STORAGE', 'LINKPORT']);
const MAX_BODY = 1 << 20;

const GRANTS = '/grant/v1/grants';
const ONBOARDED = '/vnfpkgm/v1/onboarded_vnf_packages';
const PACKAGES = '/vnfpkgm/v1/vnf_packages';
const SUBSCRIPTIONS = '/vnfpkgm/v1/subscriptions';
const PKGM_TYPES = new Set(['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification']);

interface StoredPackage {
  info: Omit<VnfPkgInfo, '_links'>;
  content: Buffer;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

export class NfvoSimulator {
  mode: NfvoMode;
  asyncPolls: number;
  refuseReason: string;
  vimConnections: VimConnectionInfo[] | undefined;
  zones: ZoneInfo[] | undefined;
  vimAssets: VimAssets | undefined;
  /**
   * Overrides what a grant says of each resource (by default: the first of `vimConnections` and the first of
   * `zones`), e.g. `() => ({ vimConnectionId: 'nowhere' })`; undefined members are left out.
   */
  resourceGrant: ((definition: ResourceDefinition, list: GrantList) => Partial<GrantInfo>) | undefined;
  tokenLifetimeSeconds: number;
  /** every POST to the grants resource, in arrival order, whatever was answered */
  readonly grantRequests: RecordedGrantRequest[] = [];
  /** package subscriptions answer 500 (an NFVO that fails) while true */
  failSubscriptions = false;
  testCallbacks: boolean;
  /** every POST to the package subscriptions resource, in arrival order (credentials included) */
  readonly subscriptionRequests: RecordedGrantRequest[] = [];
  /** every notification delivered, in order */
  readonly deliveries: Delivery[] = [];

  private readonly auth: NfvoAuthOptions | undefined;
  private readonly issued = new Map<string, { grant: Grant; pollsLeft: number }>();
  private readonly tokens = new Map<string, number>();
  private readonly packages = new Map<string, StoredPackage>();
  private readonly pkgmSubscriptions = new Map<string, PkgmSubscription>();
  private server: Server | undefined;
  private base: string | undefined;

  constructor(options: NfvoSimulatorOptions = {}) {
    this.auth = options.auth;
    this.mode = options.mode ?? 'sync';
    this.asyncPolls = options.asyncPolls ?? 2;
    this.refuseReason = options.refuseReason ?? 'no capacity';
    this.vimConnections = options.vimConnections;
    this.zones = options.zones;
    this.vimAssets = options.vimAssets;
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    this.testCallbacks = options.testCallbacks ?? true;
  }

  /** The package subscriptions held (with the credentials to deliver with). */
  get subscriptions(): PkgmSubscription[] {
    return [...this.pkgmSubscriptions.values()].map((s) => structuredClone(s));
  }

  /** Loses every package subscription (as an NFVO whose database was reset). */
  forgetSubscriptions(): void {
    this.pkgmSubscriptions.clear();
  }

  /** Changes a package's operational state and notifies the subscribers (VnfPackageChangeNotification). */
  async setOperationalState(vnfPkgId: string, state: 'ENABLED' | 'DISABLED'): Promise<Delivery[]> {
    const pkg = this.packages.get(vnfPkgId);
    if (!pkg) throw new Error(`NfvoSimulator: no package ${vnfPkgId}`);
    pkg.info.operationalState = state;
    const { vnfdId } = pkg.info;
    const type = 'VnfPackageChangeNotification';
    return this.notify({
      notificationType: type,
      vnfPkgId,
      vnfdId,
      changeType: 'OP_STATE_CHANGE',
      operationalState: state,
    });
  }

  /** Deletes a package and notifies the subscribers (VnfPackageChangeNotification, PKG_DELETE). */
  async deletePackage(vnfPkgId: string): Promise<Delivery[]> {
    const pkg = this.packages.get(vnfPkgId);
    if (!pkg) throw new Error(`NfvoSimulator: no package ${vnfPkgId}`);
    this.packages.delete(vnfPkgId);
    const { vnfdId } = pkg.info;
    return this.notify({
      notificationType: 'VnfPackageChangeNotification',
      vnfPkgId,
      vnfdId,
      changeType: 'PKG_DELETE',
    });
  }

  /** Sends a notification to every subscription whose filter takes it, with its own subscriptionId and links. */
  async notify(input: PkgmNotificationInput): Promise<Delivery[]> {
    const id = input.id ?? randomUUID();
    const timeStamp = input.timeStamp ?? new Date().toISOString();
    const out: Delivery[] = [];
    for (const sub of this.pkgmSubscriptions.values()) {
      const f = sub.filter;
      if (f?.notificationTypes && !f.notificationTypes.includes(input.notificationType)) continue;
      if (f?.vnfdId && !f.vnfdId.includes(input.vnfdId)) continue;
      if (f?.vnfPkgId && !f.vnfPkgId.includes(input.vnfPkgId)) continue;
      const notification = {
        ...input,
        id,
        timeStamp,
        subscriptionId: sub.id,
        _links: {
          vnfPackage: { href: `${this.url}${PACKAGES}/${encodeURIComponent(input.vnfPkgId)}` },
          subscription: { href: `${this.url}${SUBSCRIPTIONS}/${sub.id}` },
        },
      };
      out.push(await this.deliver(sub.id, notification));
    }
    return out;
  }

  /**
   * POSTs `notification` as it is to a subscription's callbackUri, with the subscription's Basic
   * credentials, or `auth` instead (null: none).
   */
  async deliver(
    subscriptionId: string,
    notification: unknown,
    options: { auth?: { userName: string; password: string } | null } = {},
  ): Promise<Delivery> {
    const sub = this.pkgmSubscriptions.get(subscriptionId);
    if (!sub) throw new Error(`NfvoSimulator: no package subscription ${subscriptionId}`);
    const res = await this.callback(sub, 'POST', options.auth === undefined ? sub.basic : options.auth, notification);
    const delivery = { subscriptionId, notification: structuredClone(notification), ...res };
    this.deliveries.push(delivery);
    return delivery;
  }

  private async callback(
    sub: PkgmSubscription,
    method: 'GET' | 'POST',
    auth: { userName: string; password: string } | null | undefined,
    body?: unknown,
  ): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = { version: '1.3.0', accept: 'application/json' };
    if (auth) headers['authorization'] = 'Basic ' + Buffer.from(`${auth.userName}:${auth.password}`).toString('base64');
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await fetch(sub.callbackUri, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: await res.text() };
    } catch (e) {
      return { status: 0, body: String(e) };
    }
  }

  /** The base URL (`http://127.0.0.1:<port>`); throws before start(). */
  get url(): string {
    if (!this.base) throw new Error('NfvoSimulator: not started');
    return this.base;
  }

  /** The grants issued so far (pending asynchronous ones included). */
  get grants(): Grant[] {
    return [...this.issued.values()].map((g) => g.grant);
  }

  async start(): Promise<string> {
    if (this.base) return this.base;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.base = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Onboards a package (ONBOARDED, ENABLED); its SHA-256 is computed over `csar`. */
  addPackage(p: AddPackageOptions): VnfPkgInfo {
    const info: StoredPackage['info'] = {
      id: p.id ?? randomUUID(),
      vnfdId: p.vnfdId,
      vnfProvider: p.provider,
      vnfProductName: p.productName,
      vnfSoftwareVersion: p.softwareVersion,
      vnfdVersion: p.vnfdVersion,
      checksum: { algorithm: 'SHA-256', hash: createHash('sha256').update(p.csar).digest('hex') },
      onboardingState: 'ONBOARDED',
      operationalState: 'ENABLED',
      usageState: p.usageState ?? 'NOT_IN_USE',
    };
    let content = Buffer.from(p.csar);
    if (p.corruptChecksum) {
      if (content.length === 0) content = Buffer.from([0]);
      else content[content.length - 1] = (content[content.length - 1] as number) ^ 0xff;
    }
    this.packages.set(info.id, { info, content });
    return this.pkgInfo(info, this.base ?? '');
  }

  /** Forgets every issued access token (as if they had expired). */
  expireTokens(): void {
    this.tokens.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://nfvo').pathname;
      const method = req.method ?? 'GET';
      if (path === '/token') return await this.token(req, res, method);
      if (path === GRANTS) {
        if (method !== 'POST') throw new HttpError(405, 'Method Not Allowed', `${method} ${path} is not supported`);
        const text = await readBody(req);
        this.grantRequests.push({ body: parseOr(text), headers: req.headers });
        this.authenticate(req);
        return this.postGrant(text, res);
      }
      this.authenticate(req);
      if (path === SUBSCRIPTIONS || path.startsWith(`${SUBSCRIPTIONS}/`)) return await this.subscriptionRoute(req, res);
      if (method !== 'GET') throw new HttpError(405, 'Method Not Allowed', `${method} ${path} is not supported`);
      const parts = path.split('/').slice(1).map(decodeSegment);
      if (path.startsWith(`${GRANTS}/`) && parts.length === 4) return this.getGrant(parts[3] as string, res);
      const onboarded = path.startsWith(`${ONBOARDED}/`);
      if ((onboarded || path.startsWith(`${PACKAGES}/`)) && (parts.length === 4 || parts.length === 5)) {
        const key = parts[3] as string;
        const pkg = onboarded ? [...this.packages.values()].find((p) => p.info.vnfdId === key) : this.packages.get(key);
        if (!pkg)
          throw new HttpError(404, 'Not Found', `no onboarded package with ${onboarded ? 'vnfdId' : 'id'} ${key}`);
        if (parts.length === 4) return sendJson(res, 200, this.pkgInfo(pkg.info, this.url));
        if (parts[4] === 'package_content') {
          res.writeHead(200, { 'content-type': 'application/zip', 'content-length': pkg.content.length });
          res.end(pkg.content);
          return;
        }
      }
      throw new HttpError(404, 'Not Found', `no resource at ${path}`);
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      if (e instanceof HttpError) {
        if (e.status === 401) res.setHeader('www-authenticate', this.challenges());
        return sendProblem(res, e.status, e.title, e.message);
      }
      sendProblem(res, 500, 'Internal Server Error', String(e));
    }
  }

  /** SOL003 10.4.7 (POST, GET the list) and 10.4.8 (GET, DELETE one) */
  private async subscriptionRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://nfvo').pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (this.failSubscriptions)
      throw new HttpError(500, 'Internal Server Error', 'the NFVO simulator fails (failSubscriptions)');
    const view = (s: PkgmSubscription) => ({
      id: s.id,
      ...(s.filter ? { filter: s.filter } : {}),
      callbackUri: s.callbackUri,
      _links: { self: { href: `${this.url}${SUBSCRIPTIONS}/${s.id}` } },
    });
    if (path === SUBSCRIPTIONS) {
      if (method === 'GET') return sendJson(res, 200, [...this.pkgmSubscriptions.values()].map(view));
      if (method !== 'POST') throw new HttpError(405, 'Method Not Allowed', `${method} ${path} is not supported`);
      const text = await readBody(req);
      this.subscriptionRequests.push({ body: parseOr(text), headers: req.headers });
      const wanted = validatePkgmSubscriptionRequest(text);
      // SOL003 10.4.7.3.1: the same callbackUri and filter is not duplicated: 303 to the existing one
      const same = [...this.pkgmSubscriptions.values()].find(
        (s) => s.callbackUri === wanted.callbackUri && JSON.stringify(s.filter) === JSON.stringify(wanted.filter),
      );
      if (same) {
        res.writeHead(303, { location: `${this.url}${SUBSCRIPTIONS}/${same.id}`, 'content-length': 0 });
        return void res.end();
      }
      const sub: PkgmSubscription = { ...wanted, id: randomUUID() };
      if (this.testCallbacks) {
        const test = await this.callback(sub, 'GET', sub.basic);
        if (test.status !== 204)
          throw new HttpError(422, 'Unprocessable Entity', `the callbackUri answered ${test.status} to the test GET`);
      }
      this.pkgmSubscriptions.set(sub.id, sub);
      return sendJson(res, 201, view(sub), { location: `${this.url}${SUBSCRIPTIONS}/${sub.id}` });
    }
    const parts = path.split('/').slice(1).map(decodeSegment);
    const sub = parts.length === 4 ? this.pkgmSubscriptions.get(parts[3] as string) : undefined;
    if (!sub) throw new HttpError(404, 'Not Found', `no package subscription at ${path}`);
    if (method === 'GET') return sendJson(res, 200, view(sub));
    if (method !== 'DELETE') throw new HttpError(405, 'Method Not Allowed', `${method} ${path} is not supported`);
    this.pkgmSubscriptions.delete(sub.id);
    res.writeHead(204);
    res.end();
  }

  private challenges(): string[] {
    const c: string[] = [];
    if (this.auth?.basic) c.push('Basic realm="nfvo-simulator"');
    if (this.auth?.oauth2) c.push('Bearer realm="nfvo-simulator"');
    return c;
  }

  private authenticate(req: IncomingMessage): void {
    const auth = this.auth;
    if (!auth || (!auth.basic && !auth.oauth2)) return;
    const header = req.headers.authorization ?? '';
    const [scheme = '', value = ''] = header.split(/\s+/, 2);
    if (auth.basic && scheme.toLowerCase() === 'basic') {
      const pair = decodeBasic(value);
      if (pair && safeEqual(pair[0], auth.basic.user) && safeEqual(pair[1], auth.basic.password)) return;
    }
    if (auth.oauth2 && scheme.toLowerCase() === 'bearer') {
      const expiry = this.tokens.get(value);
      if (expiry !== undefined && expiry > Date.now()) return;
    }
    throw new HttpError(401, 'Unauthorized', header ? 'invalid credentials' : 'credentials required');
  }

  /** RFC 6749 4.4: client credentials grant, client authenticated with HTTP Basic. */
  private async token(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const oauth2 = this.auth?.oauth2;
    if (!oauth2) throw new HttpError(404, 'Not Found', 'this NFVO issues no tokens');
    if (method !== 'POST') throw new HttpError(405, 'Method Not Allowed', `${method} /token is not supported`);
    const form = new URLSearchParams(await readBody(req));
    const [scheme = '', value = ''] = (req.headers.authorization ?? '').split(/\s+/, 2);
    const pair = scheme.toLowerCase() === 'basic' ? decodeBasic(value) : undefined;
    if (!pair || !safeEqual(pair[0], oauth2.clientId) || !safeEqual(pair[1], oauth2.clientSecret)) {
      res.setHeader('www-authenticate', 'Basic realm="nfvo-simulator"');
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
    }
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      const error = grantType ? 'unsupported_grant_type' : 'invalid_request';
      return sendJson(res, 400, { error, error_description: 'grant_type must be client_credentials' });
    }
    const accessToken = randomBytes(24).toString('hex');
    this.tokens.set(accessToken, Date.now() + this.tokenLifetimeSeconds * 1000);
    res.setHeader('cache-control', 'no-store');
    sendJson(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds });
  }

  private postGrant(text: string, res: ServerResponse): void {
    const request = validateGrantRequest(text);
    const mode = this.mode;
    switch (mode) {
      case 'refuse':
        throw new HttpError(403, 'Forbidden', `grant refused by the NFVO simulator: ${this.refuseReason}`);
      case 'error':
        throw new HttpError(500, 'Internal Server Error', 'the NFVO simulator failed (error mode)');
      case 'sync':
      case 'async': {
        const grant = this.makeGrant(request);
        const location = grant._links.self.href;
        this.issued.set(grant.id, { grant, pollsLeft: mode === 'async' ? this.asyncPolls : 0 });
        if (mode === 'sync') return sendJson(res, 201, grant, { location });
        res.writeHead(202, { location, 'content-length': 0 });
        res.end();
        return;
      }
    }
  }

  private getGrant(id: string, res: ServerResponse): void {
    const entry = this.issued.get(id);
    if (!entry) throw new HttpError(404, 'Not Found', `no grant ${id}`);
    if (entry.pollsLeft > 0) {
      entry.pollsLeft--;
      res.writeHead(202, { 'content-length': 0 });
      res.end();
      return;
    }
    sendJson(res, 200, entry.grant);
  }

  private makeGrant(r: GrantRequest): Grant {
    const id = randomUUID();
    const vimConnectionId = this.vimConnections?.[0]?.id;
    const zoneId = this.zones?.[0]?.id;
    const approve = (defs: ResourceDefinition[] | undefined, list: GrantList): GrantInfo[] | undefined =>
      defs?.map((d) => {
        const info: GrantInfo = {
          resourceDefinitionId: d.id,
          ...(vimConnectionId !== undefined && { vimConnectionId }),
          ...(zoneId !== undefined && { zoneId }),
          ...this.resourceGrant?.(d, list),
        };
        return Object.fromEntries(Object.entries(info).filter((e) => e[1] !== undefined)) as unknown as GrantInfo;
      });
    const grant: Grant = {
      id,
      vnfInstanceId: r.vnfInstanceId,
      vnfLcmOpOccId: r.vnfLcmOpOccId,
      addResources: approve(r.addResources, 'addResources') ?? [],
      _links: {
        self: { href: `${this.url}${GRANTS}/${id}` },
        vnfLcmOpOcc: { href: r._links.vnfLcmOpOcc.href },
        vnfInstance: { href: r._links.vnfInstance.href },
      },
    };
    if (this.vimConnections?.length) grant.vimConnections = structuredClone(this.vimConnections);
    if (this.zones?.length) grant.zones = structuredClone(this.zones);
    if (r.removeResources) grant.removeResources = approve(r.removeResources, 'removeResources');
    if (r.updateResources) grant.updateResources = approve(r.updateResources, 'updateResources');
    if (this.vimAssets) grant.vimAssets = structuredClone(this.vimAssets);
    return grant;
  }

  private pkgInfo(info: StoredPackage['info'], base: string): VnfPkgInfo {
    const self = `${base}${PACKAGES}/${encodeURIComponent(info.id)}`;
    return {
      ...structuredClone(info),
      _links: {
        self: { href: self },
        vnfd: { href: `${self}/vnfd` },
        packageContent: { href: `${self}/package_content` },
      },
    };
  }
}

function validateGrantRequest(text: string): GrantRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Bad Request', 'the body is no JSON');
  }
  const bad = (why: string): never => {
    throw new HttpError(400, 'Bad Request', `invalid GrantRequest: ${why}`);
  };
  if (!isObject(body)) return bad('not a JSON object');
  for (const key of ['vnfInstanceId', 'vnfLcmOpOccId', 'vnfdId', 'operation'])
    if (typeof body[key] !== 'string' || body[key] === '') bad(`${key} is required (a string)`);
  if (!OPERATIONS.has(body.operation as string)) bad(`operation ${String(body.operation)} cannot be granted`);
  if (body.isAutomaticInvocation !== undefined && typeof body.isAutomaticInvocation !== 'boolean')
    bad('isAutomaticInvocation must be a boolean');
  const links = body._links;
  if (!isObject(links)) return bad('_links is required');
  for (const key of ['vnfLcmOpOcc', 'vnfInstance']) {
    const link = links[key];
    if (!isObject(link) || typeof link.href !== 'string') bad(`_links.${key}.href is required`);
  }
  for (const list of ['addResources', 'removeResources', 'updateResources']) {
    const defs = body[list];
    if (defs === undefined) continue;
    if (!Array.isArray(defs)) bad(`${list} must be an array`);
    (defs as unknown[]).forEach((d, i) => {
      if (!isObject(d) || typeof d.id !== 'string' || d.id === '') bad(`${list}[${i}].id is required`);
      else if (!RESOURCE_TYPES.has(d.type as string)) bad(`${list}[${i}].type ${String(d.type)} is unknown`);
    });
  }
  return body as GrantRequest;
}

/** SOL003 10.5.2.3 PkgmSubscriptionRequest; the simulator delivers with Basic only */
function validatePkgmSubscriptionRequest(text: string): Omit<PkgmSubscription, 'id'> {
  const body = parseOr(text);
  const bad = (why: string): never => {
    throw new HttpError(400, 'Bad Request', `invalid PkgmSubscriptionRequest: ${why}`);
  };
  if (!isObject(body)) return bad('not a JSON object');
  const uri = body.callbackUri;
  if (typeof uri !== 'string' || !/^https?:\/\//.test(uri)) bad('callbackUri is required (an http(s) URI)');
  const filter = body.filter;
  if (filter !== undefined) {
    if (!isObject(filter)) bad('filter must be an object');
    const types = (filter as Record<string, unknown>).notificationTypes;
    if (types !== undefined && (!Array.isArray(types) || types.some((t) => !PKGM_TYPES.has(t as string))))
      bad('filter.notificationTypes: VnfPackageOnboardingNotification or VnfPackageChangeNotification only');
  }
  const out: Omit<PkgmSubscription, 'id'> = { callbackUri: uri as string };
  if (filter !== undefined) out.filter = filter as PkgmSubscription['filter'];
  const auth = body.authentication;
  if (auth !== undefined) {
    if (!isObject(auth) || !Array.isArray(auth.authType) || auth.authType.length === 0)
      return bad('authentication.authType is required');
    if (!auth.authType.includes('BASIC'))
      throw new HttpError(422, 'Unprocessable Entity', 'the NFVO simulator delivers with BASIC only');
    const p = auth.paramsBasic;
    if (!isObject(p) || typeof p.userName !== 'string' || typeof p.password !== 'string')
      return bad('authentication.paramsBasic.userName and .password are required for BASIC');
    out.basic = { userName: p.userName, password: p.password };
  }
  return out;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'Bad Request', `bad percent-encoding in ${segment}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function decodeBasic(value: string): [string, string] | undefined {
  const text = Buffer.from(value, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : [text.slice(0, colon), text.slice(colon + 1)];
}

function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () =>
      size > MAX_BODY
        ? reject(new HttpError(413, 'Payload Too Large', `the body exceeds ${MAX_BODY} bytes`))
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string): void {
  const problem: ProblemDetails = { status, title, detail };
  const text = JSON.stringify(problem);
  res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
