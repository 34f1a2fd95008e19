// The engine-side view of a network for list/inspect, with the option keys Docker reports for its bridge.
import type { DaemonConfig } from '../engine/config.js';
import type { EndpointRecord, NetworkRecord } from './store.js';
import type { NetworkSummary } from './types.js';

export function summarize(n: NetworkRecord, records: EndpointRecord[], config: DaemonConfig): NetworkSummary {
  const containers: NetworkSummary['containers'] = {};
  for (const r of records) {
    if (r.endpoint && r.endpoint.networkName === n.name && r.mode !== 'container') {
      containers[r.containerId] = { ...r.endpoint, name: r.containerName };
    }
  }
  const options: Record<string, string> = n.name !== 'bridge' ? {} : {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': String(config.ipMasq),
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': config.bridge,
    'com.docker.network.driver.mtu': String(config.mtu),
  };
  return {
    id: n.id,
    name: n.name,
    driver: n.driver,
    scope: 'local',
    subnet: n.subnet,
    gateway: n.gateway,
    created: n.created,
    internal: false,
    attachable: false,
    enableIPv6: false,
    options,
    labels: {},
    containers,
  };
}
