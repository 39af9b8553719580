/**
 * The in-VM agent: everything the manager does to a running Click-on-OSv VM goes through this port.
 * Two dialects implement it (src/agent): the 2017 `click-plugin` REST API and stock OSv REST +
 * Click's ControlSocket (`osv-controlsocket`). See docs/agent.md.
 */

/** How a VM's management API speaks. */
export type ManagementDialect = 'click-plugin' | 'osv-controlsocket';

/** Where a VNFC's management API listens. */
export interface AgentEndpoint {
  /** Management IP address (the first NIC, connection point order 0). */
  address: string;
  /** OSv httpserver port, 8000 on real images. */
  port: number;
  dialect: ManagementDialect;
  /**
   * Click ControlSocket TCP port, 8001 on real images: osv-controlsocket drives Click through it, click-plugin reads
   * element counters from it.
   */
  controlSocketPort?: number;
  /**
   * The port Click listens on inside the VM (its `-p`; the VDU's `controlsocket_port`, 8001), when the VNFM reaches
   * it at another one (`controlSocketPort`: port forwarding, NAT). Default: `controlSocketPort`.
   */
  vmControlSocketPort?: number;
}

/**
 * Readiness timing: polling from the first moment, the pause growing from 100 ms to `intervalMs`, which it
 * reaches at `graceMs` (an upper bound on how long polling stays fast, not a wait); the deadline counts
 * from the start.
 */
export interface ReadinessOptions {
  graceMs: number;
  intervalMs: number;
  deadlineMs: number;
  /** Whose API it is, for the error at the deadline (e.g. `VNFC fwd-vdu-0`). */
  subject?: string;
  signal?: AbortSignal;
}

/** The result of pushing a config and starting Click: proven running, with what Click logged. */
export interface StartResult {
  running: true;
  pid?: number;
  log: string;
}

/** Per-port traffic counters and rates (DPDK ports for click-plugin, devices/NICs otherwise). */
export interface PortMetrics {
  name: string;
  rxPackets?: number;
  txPackets?: number;
  rxBytes?: number;
  txBytes?: number;
  /** bytes per second, over the interval since the previous sample */
  rxRate?: number;
  txRate?: number;
  /** click-plugin's Net RX/TX: percent of 1 Gbit/s, capped at 100 */
  rxPercent?: number;
  txPercent?: number;
}

/** One Click element handler value (e.g. `c_in.count`). */
export interface ElementCounter {
  element: string;
  handler: string;
  value: number;
}

/** One normalized metrics sample, whatever the dialect. */
export interface NormalizedMetrics {
  timeMs: number;
  cpuPercent: number;
  memoryPercent: number;
  ports: PortMetrics[];
  elements: ElementCounter[];
  /** What this reading was taken from, for the next call's `baseline` (dialects whose VM keeps no state). */
  baseline?: MetricsBaseline;
  /**
   * The Click that runs is the one the image started at boot with whatever configuration its disk held, not one the
   * agent started (osv-controlsocket: OSv's thread list has no `/click`, the program `PUT /app/` runs): after a
   * reboot or a power loss, which can bring back an older configuration (docs/image-build.md, ZFS).
   */
  bootClick?: boolean;
}

/**
 * An earlier reading of the same VM: with it, metrics() takes CPU % and the port rates from one sample (this
 * one against it) instead of two 200 ms apart. Ignored when it cannot be of this VM's current run (its clock is
 * not behind, or Click's CPU time went back).
 */
export interface MetricsBaseline {
  /** The VM's clock (ms) and Click's CPU time (ms) at that reading. */
  vmTimeMs: number;
  cpuMs: number;
  /** Per device element, its byte counter (hw_bytes of a DPDK device). */
  bytes: Record<string, number>;
  /** The VM's memory size (bytes): it does not change while the VM runs. */
  memoryTotal?: number;
}

export interface MetricsOptions extends CallOptions {
  baseline?: MetricsBaseline;
}

/** What `vnf_identification` returns while Click runs with a valid VNF header. */
export interface VnfIdentification {
  id: string;
  version: string;
  name: string;
  description: string;
  provider: string;
}

export interface AgentStatus {
  /** The management API answered. */
  reachable: boolean;
  /** The Click function is running. */
  running: boolean;
  version?: string;
  uptimeSeconds?: number;
}

/** Options every call accepts. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** One VM's agent. Every method fails with an AgentError (src/agent) carrying address and cause. */
export interface VnfAgent {
  readonly endpoint: AgentEndpoint;
  /**
   * Waits the grace delay, then polls until the API answers; never calls before. Times out with the
   * address and wait.
   */
  waitReady(options: ReadinessOptions): Promise<void>;
  status(options?: CallOptions): Promise<AgentStatus>;
  /**
   * Writes the config (stopping Click first when it runs), starts Click and proves it runs; a bad config
   * fails with Click's own message.
   */
  deploy(config: string, options?: CallOptions): Promise<StartResult>;
  /** Applies a new config: hot (no restart) where the dialect can, else stop/write/start. */
  reconfigure(config: string, options?: CallOptions): Promise<{ hot: boolean }>;
  start(options?: CallOptions): Promise<StartResult>;
  stop(options?: CallOptions): Promise<void>;
  readConfig(options?: CallOptions): Promise<string>;
  log(options?: CallOptions): Promise<string>;
  metrics(options?: MetricsOptions): Promise<NormalizedMetrics>;
  identification(options?: CallOptions): Promise<VnfIdentification>;
  /** Graceful: stops apps, unmounts, powers off. */
  shutdown(options?: CallOptions): Promise<void>;
  reboot(options?: CallOptions): Promise<void>;
}

/** Builds the agent for an endpoint (the composition root picks the implementation). */
export interface VnfAgentFactory {
  forEndpoint(endpoint: AgentEndpoint): VnfAgent;
}
