/**
 * Wrappers that time every call of a VIM and of the agents (the ports of src/ports/vim.ts and vnf-agent.ts) and
 * hand the duration to a timer (a histogram of VnfmMetrics). They change nothing else: same answers, same errors.
 */
import type {
  ImageContent,
  SwImageSpec,
  Vim,
  VimCallOptions,
  VimConnection,
  VimProvider,
  VnfDeployment,
} from '../ports/vim';
import type {
  AgentEndpoint,
  CallOptions,
  MetricsOptions,
  ReadinessOptions,
  VnfAgent,
  VnfAgentFactory,
} from '../ports/vnf-agent';

/** `ok` (answered) or `error` (rejected, aborted included). */
export type CallOutcome = 'ok' | 'error';

/** Records one call: its labels (the subject, `method`, `outcome`) and how long it took. */
export type CallTimer<Subject extends string> = (
  labels: Record<Subject, string> & { method: string; outcome: CallOutcome },
  seconds: number,
) => void;

async function timed<T>(call: () => Promise<T>, done: (outcome: CallOutcome, seconds: number) => void): Promise<T> {
  const start = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - start) / 1e9;
  let answer: T;
  try {
    answer = await call();
  } catch (err) {
    done('error', seconds());
    throw err;
  }
  done('ok', seconds());
  return answer;
}

class TimedVim implements Vim {
  readonly kind: string;
  readonly vimType: string;
  readonly computeResourceType: string;

  constructor(
    private readonly inner: Vim,
    private readonly timer: CallTimer<'vim'>,
  ) {
    this.kind = inner.kind;
    this.vimType = inner.vimType;
    this.computeResourceType = inner.computeResourceType;
  }

  private time<T>(method: string, call: () => Promise<T>): Promise<T> {
    return timed(call, (outcome, seconds) => this.timer({ vim: this.kind, method, outcome }, seconds));
  }

  ensureImages(
    vnfInstanceId: string,
    images: SwImageSpec[],
    options?: VimCallOptions & { content?: ImageContent },
  ): Promise<Record<string, string>> {
    return this.time('ensureImages', () => this.inner.ensureImages(vnfInstanceId, images, options));
  }
  apply(deployment: VnfDeployment, options?: VimCallOptions) {
    return this.time('apply', () => this.inner.apply(deployment, options));
  }
  describe(vnfInstanceId: string, options?: VimCallOptions) {
    return this.time('describe', () => this.inner.describe(vnfInstanceId, options));
  }
  heal(vnfInstanceId: string, resourceId: string, options?: VimCallOptions & { imageId?: string }) {
    return this.time('heal', () => this.inner.heal(vnfInstanceId, resourceId, options));
  }
  power(vnfInstanceId: string, resourceId: string, state: 'on' | 'off', options?: VimCallOptions) {
    return this.time('power', () => this.inner.power(vnfInstanceId, resourceId, state, options));
  }
  destroy(vnfInstanceId: string, options?: VimCallOptions) {
    return this.time('destroy', () => this.inner.destroy(vnfInstanceId, options));
  }
  leftovers(vnfInstanceId: string, options?: VimCallOptions) {
    return this.time('leftovers', () => this.inner.leftovers(vnfInstanceId, options));
  }
}

/** The VIM, every call timed (label `vim`: its kind). */
export function timedVim(vim: Vim, timer: CallTimer<'vim'>): Vim {
  return new TimedVim(vim, timer);
}

/** The VIMs a provider connects, each timed; connecting itself is not a VIM call of the LCM and is not timed. */
export function timedVims(provider: VimProvider, timer: CallTimer<'vim'>): VimProvider {
  return {
    forConnection: async (connection: VimConnection, options?: VimCallOptions) =>
      timedVim(await provider.forConnection(connection, options), timer),
  };
}

class TimedAgent implements VnfAgent {
  constructor(
    private readonly inner: VnfAgent,
    private readonly timer: CallTimer<'dialect'>,
  ) {}

  get endpoint(): AgentEndpoint {
    return this.inner.endpoint;
  }

  private time<T>(method: string, call: () => Promise<T>): Promise<T> {
    const dialect = this.inner.endpoint.dialect;
    return timed(call, (outcome, seconds) => this.timer({ dialect, method, outcome }, seconds));
  }

  waitReady(options: ReadinessOptions) {
    return this.time('waitReady', () => this.inner.waitReady(options));
  }
  status(options?: CallOptions) {
    return this.time('status', () => this.inner.status(options));
  }
  deploy(config: string, options?: CallOptions) {
    return this.time('deploy', () => this.inner.deploy(config, options));
  }
  reconfigure(config: string, options?: CallOptions) {
    return this.time('reconfigure', () => this.inner.reconfigure(config, options));
  }
  start(options?: CallOptions) {
    return this.time('start', () => this.inner.start(options));
  }
  stop(options?: CallOptions) {
    return this.time('stop', () => this.inner.stop(options));
  }
  readConfig(options?: CallOptions) {
    return this.time('readConfig', () => this.inner.readConfig(options));
  }
  log(options?: CallOptions) {
    return this.time('log', () => this.inner.log(options));
  }
  metrics(options?: MetricsOptions) {
    return this.time('metrics', () => this.inner.metrics(options));
  }
  identification(options?: CallOptions) {
    return this.time('identification', () => this.inner.identification(options));
  }
  shutdown(options?: CallOptions) {
    return this.time('shutdown', () => this.inner.shutdown(options));
  }
  reboot(options?: CallOptions) {
    return this.time('reboot', () => this.inner.reboot(options));
  }
}

/** The agents, every call timed (label `dialect`: the endpoint's management dialect). */
export function timedAgents(factory: VnfAgentFactory, timer: CallTimer<'dialect'>): VnfAgentFactory {
  return { forEndpoint: (endpoint: AgentEndpoint) => new TimedAgent(factory.forEndpoint(endpoint), timer) };
}
