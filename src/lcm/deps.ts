import type { Clock } from '../ports/clock';
import type { LcmQueue, Notifier, OpOccRepository } from '../ports/lcm';
import type { VnfPackageRepository } from '../ports/package-store';
import type { VnfInstanceRepository } from '../ports/store';
import type { Vim } from '../ports/vim';
import type { ReadinessOptions, VnfAgentFactory } from '../ports/vnf-agent';
import type { TypeLibrary } from '../tosca';

/** Everything the LCM use cases work with, injected by the composition root. */
export interface LcmDeps {
  instances: VnfInstanceRepository;
  opOccs: OpOccRepository;
  packages: VnfPackageRepository;
  library: TypeLibrary;
  vim: Vim;
  agents: VnfAgentFactory;
  queue: LcmQueue;
  notifier: Notifier;
  /** e.g. http://127.0.0.1:9890 — absolute links in op-occs and notifications */
  publicUrl: string;
  /** Overrides the VNFD's readiness timing (the emulated VIM's VMs need no 10 s grace). */
  readiness?: Partial<Omit<ReadinessOptions, 'signal'>>;
  clock?: Clock;
}

export function now(deps: LcmDeps): Date {
  return deps.clock?.now() ?? new Date();
}
