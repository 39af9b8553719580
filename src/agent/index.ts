export { HttpVnfAgentFactory } from './agent-factory';
export { ClickPluginAgent } from './click-plugin-agent';
export { OsvControlSocketAgent } from './osv-controlsocket-agent';
export { ControlSocketClient, type ControlReply } from './control-socket-client';
export { AgentError, AgentNotReadyError, ClickConfigError } from './errors';
