/**
 * Our typed OpenStack client, shaped like gophercloud: a ServiceClient per endpoint, one folder per
 * service and version. `OpenStackClient.connect` authenticates (Keystone v3), reads the catalog and
 * gives the five services the VNFM uses, sharing one token.
 */
import { ServiceClient } from './client/service-client';
import { ComputeV2 } from './compute/v2/compute';
import { TokenProvider, endpointFor, identityV3Url, type Interface } from './identity/v3/auth';
import { IdentityV3 } from './identity/v3/identity';
import type { CloudConfig } from './identity/v3/cloud-config';
import { ImagesV2 } from './image/v2/images';
import { NetworkV2 } from './network/v2/network';
import { OrchestrationV1 } from './orchestration/v1/stacks';

export * from './client/errors';
export { ServiceClient, type RetryPolicy, type TokenSource, type RequestOptions } from './client/service-client';
export { paginate, collect } from './client/paginate';
export { waitFor, type WaitOptions } from './client/wait-for';
export {
  TokenProvider,
  endpointFor,
  authBody,
  identityV3Url,
  type AuthOptions,
  type CatalogEntry,
  type Interface,
} from './identity/v3/auth';
export { resolveCloud, cloudsYamlCandidates, type CloudConfig } from './identity/v3/cloud-config';
export {
  IdentityV3,
  type KeystoneService,
  type KeystoneEndpoint,
  type CreateEndpointOpts,
  type ValidatedToken,
} from './identity/v3/identity';
export { KeystoneTokenValidator, identityOf, type TokenValidatorOptions } from './identity/token-validator';
export {
  registerService,
  NFV_ORCHESTRATION,
  type RegisterServiceOptions,
  type RegisterServiceResult,
} from './identity/register-service';
export { ImagesV2, type Image, type CreateImageOpts } from './image/v2/images';
export {
  ComputeV2,
  compareMicro,
  type Flavor,
  type Server,
  type CreateServerOpts,
  type ServerTopology,
} from './compute/v2/compute';
export {
  NetworkV2,
  type Network,
  type Subnet,
  type Port,
  type SecurityGroup,
  type SecurityGroupRule,
} from './network/v2/network';
export {
  OrchestrationV1,
  type Stack,
  type StackResource,
  type StackEvent,
  type StackBody,
} from './orchestration/v1/stacks';

export interface ConnectOptions {
  /** Overrides the catalog (service type -> URL), e.g. for a proxy. */
  endpointOverrides?: Record<string, string>;
  computeMicroversion?: string;
  refreshBeforeMs?: number;
}

/**
 * Keystone itself, at the cloud's auth URL (no catalog needed: the identity calls only), with the
 * cloud's credentials.
 */
export function connectIdentity(cloud: CloudConfig): IdentityV3 {
  const tokens = new TokenProvider(cloud.auth, { insecure: cloud.insecure });
  return new IdentityV3(new ServiceClient(identityV3Url(cloud.auth.authUrl), tokens, { insecure: cloud.insecure }));
}

export class OpenStackClient {
  private constructor(
    readonly tokens: TokenProvider,
    readonly projectId: string | undefined,
    readonly image: ImagesV2,
    readonly compute: ComputeV2,
    readonly network: NetworkV2,
    readonly orchestration: OrchestrationV1,
  ) {}

  static async connect(cloud: CloudConfig, o: ConnectOptions = {}, signal?: AbortSignal): Promise<OpenStackClient> {
    const tokens = new TokenProvider(cloud.auth, {
      insecure: cloud.insecure,
      ...(o.refreshBeforeMs !== undefined ? { refreshBeforeMs: o.refreshBeforeMs } : {}),
    });
    const t = await tokens.current_(signal);
    const where: { interface: Interface; region?: string } = {
      interface: cloud.interface,
      ...(cloud.regionName ? { region: cloud.regionName } : {}),
    };
    const url = (type: string): string => o.endpointOverrides?.[type] ?? endpointFor(t.catalog, type, where);
    const svc = (type: string): ServiceClient => new ServiceClient(url(type), tokens, { insecure: cloud.insecure });
    return new OpenStackClient(
      tokens,
      t.projectId,
      new ImagesV2(svc('image')),
      new ComputeV2(svc('compute'), o.computeMicroversion),
      new NetworkV2(svc('network')),
      new OrchestrationV1(svc('orchestration')),
    );
  }
}
export {
  OpenStackVim,
  VimOperationError,
  type StackWait,
  buildStack,
  defaultTemplatesDir,
  UnboundCpError,
  type OpenStackVimOptions,
} from './vim';
