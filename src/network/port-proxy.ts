// Userland proxy for ports published on IPv6 host addresses ("-p [::1]:8080:80", "-p [::]:8080:80"): nftables
// cannot translate IPv6 to a container's IPv4 address, and DNAT from ::1 is impossible (IPv6 has no
// route_localnet), so berthd listens itself and splices each connection to the container, as docker-proxy
// does, TCP and UDP. The listeners live in the daemon: while berthd restarts, these (and only these) ports pause.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createConnection, createServer, type Server } from 'node:net';
import { errorMessage, conflict } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { PortMapping } from './types.js';

/** What a proxy listener needs to be stopped. */
interface Listener { close(): void }

/** A UDP "connection" idles out like docker-proxy's (90 s without a datagram either way). */
const UDP_IDLE_MS = 90_000;

export class PortProxies {
  private readonly byContainer = new Map<string, Listener[]>();

  constructor(private readonly logger: Logger) {}

  /** Listens for every IPv6 mapping of `containerId`, forwarding to `target`. All or nothing. */
  async start(containerId: string, mappings: PortMapping[], target: string): Promise<void> {
    const v6 = mappings.filter((m) => m.hostIp.includes(':'));
    if (v6.length === 0) return;
    const servers: Listener[] = [];
    try {
      for (const m of v6) {
        if (m.protocol === 'tcp') servers.push(await this.listenTcp(containerId, m, target));
        else if (m.protocol === 'udp') servers.push(await this.listenUdp(containerId, m, target));
        else throw conflict(`publishing ${m.protocol} on the IPv6 address ${m.hostIp} needs a ${m.protocol} userland proxy, which berth does not have (TCP and UDP only)`);
      }
    } catch (e) {
      for (const s of servers) s.close();
      throw e;
    }
    this.byContainer.set(containerId, servers);
  }

  private async listenTcp(containerId: string, m: PortMapping, target: string): Promise<Server> {
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
    return srv;
  }

  /**
   * One upstream socket per client address, so the container sees distinct peers and its replies find their
   * way back; each one closes after UDP_IDLE_MS of silence.
   */
  private async listenUdp(containerId: string, m: PortMapping, target: string): Promise<Listener> {
    const front = createSocket({ type: 'udp6', ipv6Only: true });
    const peers = new Map<string, { up: UdpSocket; timer: NodeJS.Timeout }>();
    const drop = (key: string) => {
      const p = peers.get(key);
      if (!p) return;
      clearTimeout(p.timer); p.up.close(); peers.delete(key);
    };
    const touch = (key: string) => {
      const p = peers.get(key);
      if (p) { clearTimeout(p.timer); p.timer = setTimeout(() => drop(key), UDP_IDLE_MS).unref(); }
    };
    front.on('message', (msg, from) => {
      const key = `[${from.address}]:${from.port}`;
      let p = peers.get(key);
      if (!p) {
        const up = createSocket('udp4');
        up.on('message', (reply) => { touch(key); front.send(reply, from.port, from.address); });
        up.on('error', () => drop(key));
        p = { up, timer: setTimeout(() => drop(key), UDP_IDLE_MS).unref() };
        peers.set(key, p);
      }
      touch(key);
      p.up.send(msg, m.containerPort, target);
    });
    await new Promise<void>((resolve, reject) => {
      front.once('error', (e) => reject(conflict(`Bind for [${m.hostIp}]:${m.hostPort} failed: ${errorMessage(e)}`)));
      front.bind({ address: m.hostIp, port: m.hostPort, exclusive: true }, () => resolve());
    });
    front.on('error', (e) => this.logger.warn('port proxy error', { containerId, port: m.hostPort, error: errorMessage(e) }));
    return { close: () => { for (const k of [...peers.keys()]) drop(k); front.close(); } };
  }

  stop(containerId: string): void {
    for (const s of this.byContainer.get(containerId) ?? []) s.close();
    this.byContainer.delete(containerId);
  }

  stopAll(): void {
    for (const id of [...this.byContainer.keys()]) this.stop(id);
  }
}
