// Network endpoints (read-only in the engine core: the default bridge, host and none).
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { sendJson } from '../http-util.js';
import { notImplemented } from '../../lib/errors.js';
import type { NetworkSummary } from '../../network/types.js';

export function networkJson(n: NetworkSummary): Record<string, unknown> {
  return {
    Name: n.name, Id: n.id, Created: n.created, Scope: n.scope, Driver: n.driver, EnableIPv4: true, EnableIPv6: n.enableIPv6,
    IPAM: { Driver: 'default', Options: null, Config: n.subnet ? [{ Subnet: n.subnet, Gateway: n.gateway }] : [] },
    Internal: n.internal, Attachable: n.attachable, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: Object.fromEntries(Object.entries(n.containers).map(([id, e]) => [id, {
      Name: e.name, EndpointID: e.endpointId, MacAddress: e.macAddress,
      IPv4Address: e.ipAddress ? `${e.ipAddress}/${e.ipPrefixLen}` : '', IPv6Address: e.ipv6Address ? `${e.ipv6Address}/${e.ipv6PrefixLen}` : '',
    }])),
    Options: n.options, Labels: n.labels,
  };
}

export function networkRoutes(r: Router, engine: Engine): void {
  r.add('GET', '/networks', async ({ res }) => {
    sendJson(res, 200, engine.network.list().map(networkJson));
  });
  r.add('GET', '/networks/{id}', async ({ res, params }) => {
    sendJson(res, 200, networkJson(engine.network.get(params[0])));
  });
  r.add('POST', '/networks/create', async () => { throw notImplemented('user-defined networks are not supported yet'); });
}
