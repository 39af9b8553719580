import type { AgentEndpoint, VnfAgent, VnfAgentFactory } from '../ports/vnf-agent';
import { ClickPluginAgent } from './click-plugin-agent';
import { OsvControlSocketAgent } from './osv-controlsocket-agent';

/**
 * Builds the agent for an endpoint by its dialect.
 *
 * @example
 * const agent = new HttpVnfAgentFactory().forEndpoint({ address: '127.20.0.11', port: 8000, dialect: 'click-plugin' });
 * await agent.waitReady({ graceMs: 10_000, intervalMs: 2_000, deadlineMs: 45_000 });
 */
export class HttpVnfAgentFactory implements VnfAgentFactory {
  constructor(private readonly defaults: { timeoutMs?: number; readRetries?: number } = {}) {}

  forEndpoint(endpoint: AgentEndpoint): VnfAgent {
    return endpoint.dialect === 'click-plugin'
      ? new ClickPluginAgent(endpoint, this.defaults)
      : new OsvControlSocketAgent(endpoint, this.defaults);
  }
}
