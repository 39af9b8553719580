/**
 * The OpenStack VIM's shared names: its options, the stack-wait record, its error, the Glance tags and
 * the stack name.
 */
import type { VimCallOptions } from '../../ports/vim';
import { OpenStackError } from '../client/errors';

export interface OpenStackVimOptions {
  /** The management network (name or id) where the VNFM reaches the VMs' API. */
  managementNetwork: string;
  /** Source range allowed to the VMs' management ports (the VNFM's addresses). */
  vnfmCidr: string;
  /** Where connection points bound to nothing go (optional). */
  defaultDataNetwork?: string;
  templatesDir?: string;
  /** Stack create/update/delete deadline. */
  stackTimeoutMs?: number;
  /** Polling of the stack: first pause and cap (completion is noticed within the cap). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Called with every stack wait (the benchmark measures Heat's time next to ours). */
  onStackWait?: (e: StackWait) => void;
}

/**
 * One wait for Heat: how long it took, how many looks, and the gap between the last look that saw it
 * busy and the one that saw it done.
 */
export interface StackWait {
  stack: string;
  action: string;
  status: string;
  heatMs: number;
  polls: number;
  noticeGapMs: number;
}

/** The stack (or a VIM call) failed; the message carries Heat's reason from the events. */
export class VimOperationError extends OpenStackError {}

/** The abort signal of a VIM call, in the form the OpenStack client takes. */
export type Sig = { signal?: AbortSignal };

export const MANAGED = 'clickvnfm-managed';
export const instanceTag = (id: string): string => `clickvnfm-vnf:${id}`;
export const hashTag = (algo: string, hash: string): string =>
  `clickvnfm-${algo.replace(/-/g, '')}:${hash.toLowerCase()}`;

/** The Heat stack of a VNF instance. */
export function stackName(id: string): string {
  return `vnf-${id}`;
}

export function sig(options?: VimCallOptions): Sig {
  return options?.signal ? { signal: options.signal } : {};
}
