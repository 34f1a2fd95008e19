// The engine-side view of a network for list/inspect, with the option keys Docker reports for its bridge.
import type { DaemonConfig } from '../engine/config.js';
import type { EndpointRecord, NetworkRecord } from './store.js';
import type { IpamConfigEntry, NetworkSummary } from './types.js';

export function summarize(n: NetworkRecord, records: EndpointRecord[], config: DaemonConfig): NetworkSummary {
  const containers: NetworkSummary['containers'] = {};
  for (const r of records) {
    if (r.mode === 'container') continue;
    const eps = r.links ? r.links.map((l) => l.endpoint) : r.endpoint ? [r.endpoint] : [];
    for (const e of eps) if (e.networkId === n.id || (!e.networkId && e.networkName === n.name)) containers[r.containerId] = { ...e, name: r.containerName };
  }
  const options: Record<string, string> = n.name === 'bridge' && n.predefined ? {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': String(config.ipMasq),
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': config.bridge,
    'com.docker.network.driver.mtu': String(config.mtu),
  } : { ...(n.options ?? {}) };
  const ipamConfig: IpamConfigEntry[] = [];
  if (n.subnet) {
    const e: IpamConfigEntry = { subnet: n.subnet };
    if (n.ipRange) e.ipRange = n.ipRange;
    if (n.gateway) e.gateway = n.gateway;
    if (n.auxAddresses) e.auxAddresses = n.auxAddresses;
    ipamConfig.push(e);
  }
  if (n.subnet6) {
    const e: IpamConfigEntry = { subnet: n.subnet6 };
    if (n.ipRange6) e.ipRange = n.ipRange6;
    if (n.gateway6) e.gateway = n.gateway6;
    ipamConfig.push(e);
  }
  return {
    id: n.id,
    name: n.name,
    driver: n.driver,
    scope: 'local',
    subnet: n.subnet,
    gateway: n.gateway,
    ipamDriver: n.ipamDriver ?? 'default',
    ipamOptions: n.ipamOptions ?? {},
    ipamConfig,
    configOnly: !!n.configOnly,
    configFrom: n.configFrom ?? '',
    predefined: !!n.predefined,
    created: n.created,
    internal: !!n.internal,
    attachable: !!n.attachable,
    enableIPv6: !!n.enableIPv6,
    options,
    labels: n.labels ?? {},
    containers,
  };
}
