import type { Clock } from '../ports/clock';
import type { Granter } from '../ports/granter';
import type { LcmQueue, Notifier, OpOccRepository } from '../ports/lcm';
import type { LcmObserver } from '../ports/observer';
import type { PackageCatalog } from '../ports/package-catalog';
import type { VnfPackageRepository } from '../ports/package-store';
import type { VnfInstanceRepository } from '../ports/store';
import type { Vim, VimProvider } from '../ports/vim';
import type { ReadinessOptions, VnfAgentFactory } from '../ports/vnf-agent';
import type { PackageModels } from './package-models';

/** Everything the LCM use cases work with, injected by the composition root. */
export interface LcmDeps {
  instances: VnfInstanceRepository;
  opOccs: OpOccRepository;
  packages: VnfPackageRepository;
  /**
   * The packages an instance may be created from or moved to (CHANGE_VNFPKG): the local ones and, under an
   * NFVO, its packages too (fetched and onboarded on first use). Absent: the local ones (`packages`).
   */
  catalog?: PackageCatalog;
  /** Parsed packages, shared by the checks, the steps and the console (one per process). */
  models: PackageModels;
  /** The configured VIM. */
  vim: Vim;
  /** The VIMs VimConnectionInfo names (absent: only the configured VIM is served). */
  vims?: VimProvider;
  agents: VnfAgentFactory;
  queue: LcmQueue;
  notifier: Notifier;
  /** The NFVO's Grant interface; absent: the VNFM grants itself (no NFVO configured). */
  granter?: Granter;
  /** Overrides the VNFD's readiness timing (the emulated VIM's VMs need no 10 s grace). */
  readiness?: Partial<Omit<ReadinessOptions, 'signal'>>;
  clock?: Clock;
  /** Hears of every operation this process ends (the process's metrics); absent: nobody listens. */
  observer?: LcmObserver;
}

export function now(deps: Pick<LcmDeps, 'clock'>): Date {
  return deps.clock?.now() ?? new Date();
}
