/** The VIM the configuration names: OpenStack (clouds.yaml or OS_* variables), or the emulated cloud. */
import { homedir } from 'node:os';
import { processEnv, type Config } from '../config';
import { EmulatedCloud, EmulatedVim } from '../emulator';
import { OpenStackClient, OpenStackVim, resolveCloud } from '../openstack';
import type { Logger } from '../ports/logger';
import type { Vim } from '../ports/vim';
import { openStackVimOptions } from './vims';
import type { ReadinessOptions } from '../ports/vnf-agent';

export interface BuiltVim {
  vim: Vim;
  /** Readiness timing that overrides the VNFDs' (the emulated VMs are looked at every 200 ms at most). */
  readiness?: Partial<Omit<ReadinessOptions, 'signal'>>;
  stop?(): Promise<void>;
}

export async function buildVim(config: Readonly<Config>, log: Logger): Promise<BuiltVim> {
  const v = config.vim;
  if (v.kind === 'openstack') {
    // clouds.yaml (OS_CLOUD / vim.cloud) or the OS_* variables, as OpenStack users write them
    const cloud = resolveCloud(processEnv(), {
      ...(v.cloud !== undefined ? { cloudName: v.cloud } : {}),
      home: homedir(),
      cwd: process.cwd(),
    });
    const client = await OpenStackClient.connect(cloud);
    log.info(`OpenStack VIM: ${cloud.auth.authUrl} (${cloud.source}), management network ${v.managementNetwork}`);
    const vim = new OpenStackVim(client, openStackVimOptions(config));
    return { vim };
  }
  // the VNFD's grace stays: it is no wait, only how long the looks stay close together (from 100 ms)
  const readiness = { intervalMs: 200, deadlineMs: 30_000 };
  if (v.emulatedCloudUrl !== undefined) return { vim: new EmulatedVim(v.emulatedCloudUrl), readiness };
  const cloud = new EmulatedCloud({ vmReadyDelayMs: 500 });
  const url = await cloud.start();
  log.info(`emulated VIM on ${url} (each VNFC is an emulated Click-on-OSv VM on 127.0.0.1)`);
  return { vim: new EmulatedVim(url), readiness, stop: () => cloud.stop() };
}
