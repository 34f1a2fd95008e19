// Userland proxy for ports published on IPv6 host addresses ("-p [::1]:8080:80", "-p [::]:8080:80"): nftables
// cannot translate IPv6 to a container's IPv4 address, and DNAT from ::1 is impossible (IPv6 has no
// route_localnet), so berthd listens itself and splices each connection to the container, as docker-proxy
// does. TCP only. The listeners live in the daemon: while berthd restarts, these (and only these) ports pause.
import { createConnection, createServer, type Server } from 'node:net';
import { errorMessage, conflict } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { PortMapping } from './types.js';

export class PortProxies {
  private readonly byContainer = new Map<string, Server[]>();

  constructor(private readonly logger: Logger) {}

  /** Listens for every IPv6 mapping of `containerId`, forwarding to `target`. All or nothing. */
  async start(containerId: string, mappings: PortMapping[], target: string): Promise<void> {
    const v6 = mappings.filter((m) => m.hostIp.includes(':'));
    if (v6.length === 0) return;
    const servers: Server[] = [];
    try {
      for (const m of v6) {
        if (m.protocol !== 'tcp') throw conflict(`publishing ${m.protocol} on the IPv6 address ${m.hostIp} needs a ${m.protocol} userland proxy, which berth does not have (TCP only)`);
        const srv = createServer({ pauseOnConnect: true }, (client) => {
          const up = createConnection({ host: target, port: m.containerPort }, () => { client.pipe(up); up.pipe(client); client.resume(); });
          const end = () => { client.destroy(); up.destroy(); };
          client.on('error', end); up.on('error', end); client.on('close', end); up.on('close', end);
        });
        await new Promise<void>((resolve, reject) => {
          srv.once('error', (e) => reject(conflict(`Bind for [${m.hostIp}]:${m.hostPort} failed: ${errorMessage(e)}`)));
          srv.listen({ host: m.hostIp, port: m.hostPort, ipv6Only: true, exclusive: true }, () => resolve());
        });
        srv.on('error', (e) => this.logger.warn('port proxy error', { containerId, port: m.hostPort, error: errorMessage(e) }));
        servers.push(srv);
      }
    } catch (e) {
      for (const s of servers) s.close();
      throw e;
    }
    this.byContainer.set(containerId, servers);
  }

  stop(containerId: string): void {
    for (const s of this.byContainer.get(containerId) ?? []) s.close();
    this.byContainer.delete(containerId);
  }

  stopAll(): void {
    for (const id of [...this.byContainer.keys()]) this.stop(id);
  }
}
