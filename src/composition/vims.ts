/**
 * The VIMs VimConnectionInfo may name (SOL003 4.4.1.6), beside the configured one: OpenStack
 * (`ETSINFV.OPENSTACK_KEYSTONE.V_3`: interfaceInfo.endpoint is Keystone, accessInfo holds a password or an
 * application credential) and the emulated cloud (`CLICKVNFM.EMULATED.V_1`: interfaceInfo.endpoint is its
 * URL). Each is connected on first use and kept, by connection, per process.
 */
import { createHash } from 'node:crypto';
import { EmulatedVim } from '../emulator';
import { UnprocessableEntityError } from '../errors';
import { OpenStackClient, OpenStackVim, type OpenStackVimOptions } from '../openstack';
import type { Config } from '../config';
import type { Vim, VimCallOptions, VimConnection, VimProvider } from '../ports/vim';

const FIELD = 'vimConnectionInfo';

/** SOL003 accessInfo (as Tacker and OSM fill it) -> Keystone v3 auth options. */
function keystoneAuth(c: VimConnection) {
  const a = c.accessInfo ?? {};
  const authUrl = c.interfaceInfo?.['endpoint'] ?? '';
  if (a['applicationCredentialId'] !== undefined && a['applicationCredentialSecret'] !== undefined) {
    return {
      authUrl,
      applicationCredentialId: a['applicationCredentialId'],
      applicationCredentialSecret: a['applicationCredentialSecret'],
    };
  }
  if (a['username'] === undefined || a['password'] === undefined || a['project'] === undefined) {
    throw new UnprocessableEntityError(
      `VIM connection ${c.id}: accessInfo needs username, password and project (or an application credential)`,
      { field: `${FIELD}.accessInfo` },
    );
  }
  return {
    authUrl,
    username: a['username'],
    password: a['password'],
    projectName: a['project'],
    userDomainName: a['userDomain'] ?? 'Default',
    projectDomainName: a['projectDomain'] ?? 'Default',
  };
}

export class VimFactory implements VimProvider {
  private readonly vims = new Map<string, Promise<Vim>>();

  /** `openstack`: how this VNFM uses any OpenStack (its management network, its address range, timings). */
  constructor(private readonly openstack: OpenStackVimOptions) {}

  forConnection(connection: VimConnection, options: VimCallOptions = {}): Promise<Vim> {
    // the key covers the credentials (hashed): a changed password is a new connection
    const key = createHash('sha256')
      .update(JSON.stringify([connection.vimType, connection.interfaceInfo, connection.accessInfo]))
      .digest('hex');
    const known = this.vims.get(key);
    if (known !== undefined) return known;
    const connecting = this.connect(connection, options);
    this.vims.set(key, connecting);
    connecting.catch(() => this.vims.delete(key));
    return connecting;
  }

  private async connect(c: VimConnection, options: VimCallOptions): Promise<Vim> {
    const endpoint = c.interfaceInfo?.['endpoint'];
    if (endpoint === undefined || !/^https?:\/\//.test(endpoint)) {
      throw new UnprocessableEntityError(`VIM connection ${c.id}: interfaceInfo.endpoint must be an http(s) URL`, {
        field: `${FIELD}.interfaceInfo.endpoint`,
      });
    }
    const type = c.vimType.toUpperCase();
    if (type === 'CLICKVNFM.EMULATED.V_1') return new EmulatedVim(endpoint);
    if (type !== 'ETSINFV.OPENSTACK_KEYSTONE.V_3') {
      throw new UnprocessableEntityError(
        `VIM connection ${c.id}: vimType ${c.vimType} is not supported ` +
          '(ETSINFV.OPENSTACK_KEYSTONE.V_3, CLICKVNFM.EMULATED.V_1)',
        { field: `${FIELD}.vimType` },
      );
    }
    const cloud = {
      source: `vimConnectionInfo ${c.id}`,
      auth: keystoneAuth(c),
      interface: 'public' as const,
      insecure: false,
    };
    const region = c.accessInfo?.['region'];
    let client: OpenStackClient;
    try {
      client = await OpenStackClient.connect(
        region !== undefined ? { ...cloud, regionName: region } : cloud,
        {},
        options.signal,
      );
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new UnprocessableEntityError(`VIM connection ${c.id}: Keystone refused or did not answer: ${why}`, {
        field: FIELD,
      });
    }
    return new OpenStackVim(client, this.openstack);
  }
}

/** The OpenStack VIM options of the configuration (for the configured VIM and those VimConnectionInfo names). */
export function openStackVimOptions(config: Readonly<Config>): OpenStackVimOptions {
  const v = config.vim;
  return {
    managementNetwork: v.managementNetwork,
    vnfmCidr: v.vnfmCidr,
    stackTimeoutMs: v.stackTimeoutSeconds * 1000,
    pollMaxMs: v.pollMaxMs,
    ...(v.defaultDataNetwork !== undefined ? { defaultDataNetwork: v.defaultDataNetwork } : {}),
  };
}
