/**
 * The Vim conformance suite (test/support/vim-conformance.ts) against OpenStackVim on the mini-cloud: the
 * tests EmulatedVim passes in test/agent/vim-conformance.test.ts, on a real Glance, Heat, Nova and Neutron.
 * The VIM is configured as the VNFM configures it for the rest of the deployment suite (support.ts):
 * management network clickvnfm-mgmt, data ports on clickvnfm-ext, the configuration's stack deadline and
 * polling. A Heat stack change takes 20-60 s here, so each step may take minutes.
 */
import { loadConfig, processEnv } from '../../src/config';
import { OpenStackVim } from '../../src/openstack';
import { describeVimConformance } from '../support/vim-conformance';
import { cloudConfigured, connectCloud } from './support';

if (!cloudConfigured())
  throw new Error(
    'the deployment suite needs the mini-cloud:' +
      ' run test/minicloud/up.sh and source .minicloud/openrc (scripts/test.sh does both)',
  );

describeVimConformance(
  'OpenStackVim on the mini-cloud',
  async () => {
    const v = loadConfig(processEnv(), {
      overrides: {
        vim: {
          kind: 'openstack',
          managementNetwork: 'clickvnfm-mgmt',
          vnfmCidr: '127.0.0.0/8',
          defaultDataNetwork: 'clickvnfm-ext',
        },
      },
    }).vim;
    const vim = new OpenStackVim(await connectCloud(), {
      managementNetwork: v.managementNetwork,
      vnfmCidr: v.vnfmCidr,
      stackTimeoutMs: v.stackTimeoutSeconds * 1000,
      pollMaxMs: v.pollMaxMs,
      ...(v.defaultDataNetwork !== undefined ? { defaultDataNetwork: v.defaultDataNetwork } : {}),
    });
    return {
      vim,
      dataNetwork: 'clickvnfm-ext',
      // Neutron lists a server's ports in its own order; Heat replaces only the server on heal, its ports (ids,
      // MACs) stay
      capabilities: { portsInCpOrder: false, healKeepsPorts: true },
      close: async () => undefined,
    };
  },
  { timeoutMs: 600_000 },
);
