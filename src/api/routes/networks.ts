// Network endpoints: list/inspect/create/remove/prune/connect/disconnect, in Docker's JSON shapes.
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { filtersParam, readJsonBody, sendEmpty, sendJson } from '../http-util.js';
import type { NetworkSummary } from '../../network/types.js';
import { parseUntil } from './containers.js';

export function networkJson(n: NetworkSummary, opts: { verbose?: boolean } = {}): Record<string, unknown> {
  void opts;
  return {
    Name: n.name, Id: n.id, Created: n.created, Scope: n.scope, Driver: n.driver, EnableIPv4: true, EnableIPv6: n.enableIPv6,
    IPAM: {
      Driver: n.ipamDriver, Options: Object.keys(n.ipamOptions).length ? n.ipamOptions : null,
      Config: n.ipamConfig.map((c) => {
        const o: Record<string, unknown> = { Subnet: c.subnet };
        if (c.ipRange) o.IPRange = c.ipRange;
        if (c.gateway) o.Gateway = c.gateway;
        if (c.auxAddresses) o.AuxiliaryAddresses = c.auxAddresses;
        return o;
      }),
    },
    Internal: n.internal, Attachable: n.attachable, Ingress: false, ConfigFrom: { Network: n.configFrom }, ConfigOnly: n.configOnly,
    Containers: Object.fromEntries(Object.entries(n.containers).map(([id, e]) => [id, {
      Name: e.name, EndpointID: e.endpointId, MacAddress: e.macAddress,
      IPv4Address: e.ipAddress ? `${e.ipAddress}/${e.ipPrefixLen}` : '', IPv6Address: e.ipv6Address ? `${e.ipv6Address}/${e.ipv6PrefixLen}` : '',
    }])),
    Options: n.options, Labels: n.labels,
  };
}

export function networkRoutes(r: Router, engine: Engine): void {
  r.add('GET', '/networks', async ({ res, query }) => {
    // `docker network ls` shows no containers; Docker's list leaves them empty too.
    sendJson(res, 200, engine.networks.list(filtersParam(query)).map((n) => ({ ...networkJson(n), Containers: {} })));
  });
  r.add('GET', '/networks/{id}', async ({ res, params }) => {
    sendJson(res, 200, networkJson(engine.network.get(params[0])));
  });
  r.add('POST', '/networks/create', async ({ req, res }) => {
    sendJson(res, 201, await engine.networks.create(await readJsonBody<unknown>(req)));
  });
  r.add('DELETE', '/networks/{id}', async ({ res, params }) => {
    await engine.networks.remove(params[0]);
    sendEmpty(res, 204);
  });
  r.add('POST', '/networks/prune', async ({ res, query }) => {
    const deleted = await engine.networks.prune(filtersParam(query), parseUntil);
    sendJson(res, 200, { NetworksDeleted: deleted.length ? deleted : null });
  });
  r.add('POST', '/networks/{id}/connect', async ({ req, res, params }) => {
    await engine.networks.connect(params[0], await readJsonBody<unknown>(req, {}));
    sendEmpty(res, 200);
  });
  r.add('POST', '/networks/{id}/disconnect', async ({ req, res, params }) => {
    await engine.networks.disconnect(params[0], await readJsonBody<unknown>(req, {}));
    sendEmpty(res, 200);
  });
}
