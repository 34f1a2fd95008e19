// Entry point of the network subsystem for the engine.
import type { DaemonConfig } from '../engine/config.js';
import type { Logger } from '../lib/logger.js';
import { createService, type NetworkServiceOptions } from './service.js';
import type { NetworkService } from './types.js';

export type { NetworkService, SandboxInfo, EndpointSettings, NetworkAttachRequest, NetworkSummary } from './types.js';
export type { NetworkServiceOptions } from './service.js';
export type { Firewall, FirewallState } from './firewall.js';

export function createNetworkService(opts: { config: DaemonConfig; logger: Logger } & Partial<NetworkServiceOptions>): NetworkService {
  return createService(opts);
}
