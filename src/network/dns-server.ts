// The embedded DNS server of user-defined networks. berthd lives in the host's namespace, so instead of
// Docker's 127.0.0.11 inside each container it answers on each network's gateway address (UDP port 53), which
// every container of the network reaches on-link; the container's resolv.conf names that address. The
// source address of a query says which container asks, hence which networks' names it may see.
// Names it does not own are forwarded, as raw packets, to the upstream resolvers chosen for that container.
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from '../lib/logger.js';
import { errorMessage } from '../lib/errors.js';
import { buildResponse, parseQuery, RCODE_NXDOMAIN, RCODE_SERVFAIL, type Answer } from './dns-packet.js';

export type LookupResult =
  | { kind: 'answer'; answers: Answer[] }
  | { kind: 'nxdomain' }
  | { kind: 'forward'; servers: string[] };

export type Lookup = (networkId: string, clientIp: string, name: string, type: number) => LookupResult;

const FORWARD_TIMEOUT_MS = 2000;

export class EmbeddedDns {
  private readonly sockets = new Map<string, Socket[]>();

  constructor(private readonly lookup: Lookup, private readonly logger: Logger, private readonly port = 53) {}

  /** Starts answering on `addresses` for `networkId`. False (and a warning) if an address cannot be bound. */
  async listen(networkId: string, addresses: string[]): Promise<boolean> {
    this.close(networkId);
    const socks: Socket[] = [];
    let ok = true;
    for (const address of addresses) {
      const sock = createSocket({ type: isIP(address) === 6 ? 'udp6' : 'udp4', reuseAddr: true });
      try {
        await new Promise<void>((resolve, reject) => {
          sock.once('error', reject);
          sock.bind({ address, port: this.port }, () => { sock.off('error', reject); resolve(); });
        });
      } catch (e) {
        ok = false;
        sock.close();
        this.logger.warn('embedded DNS cannot listen; containers fall back to the host resolvers', { address, error: errorMessage(e) });
        continue;
      }
      sock.on('error', (e) => this.logger.warn('embedded DNS socket error', { address, error: errorMessage(e) }));
      sock.on('message', (msg, rinfo) => { void this.answer(networkId, sock, msg, rinfo.address, rinfo.port); });
      sock.unref();
      socks.push(sock);
    }
    this.sockets.set(networkId, socks);
    return ok;
  }

  close(networkId: string): void {
    for (const s of this.sockets.get(networkId) ?? []) s.close();
    this.sockets.delete(networkId);
  }

  closeAll(): void {
    for (const id of [...this.sockets.keys()]) this.close(id);
  }

  private async answer(networkId: string, sock: Socket, msg: Buffer, addr: string, port: number): Promise<void> {
    const q = parseQuery(msg);
    if (!q) return;
    let reply: Buffer;
    try {
      const r = this.lookup(networkId, addr.replace(/^::ffff:/, ''), q.name, q.type);
      if (r.kind === 'answer') reply = buildResponse(msg, q, r.answers);
      else if (r.kind === 'nxdomain') reply = buildResponse(msg, q, [], RCODE_NXDOMAIN);
      else reply = (await forward(msg, r.servers)) ?? buildResponse(msg, q, [], RCODE_SERVFAIL);
    } catch (e) {
      this.logger.debug('embedded DNS lookup failed', { name: q.name, error: errorMessage(e) });
      reply = buildResponse(msg, q, [], RCODE_SERVFAIL);
    }
    sock.send(reply, port, addr);
  }
}

/** Sends the query to each server in turn until one answers. */
async function forward(msg: Buffer, servers: string[]): Promise<Buffer | undefined> {
  for (const server of servers) {
    const [host, portText] = server.includes('#') ? server.split('#') as [string, string] : [server, '53'];
    const family = isIP(host);
    if (!family) continue;
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      const s = createSocket(family === 6 ? 'udp6' : 'udp4');
      const done = (b: Buffer | undefined) => { clearTimeout(t); s.close(); resolve(b); };
      const t = setTimeout(() => done(undefined), FORWARD_TIMEOUT_MS);
      s.on('error', () => done(undefined));
      s.on('message', (m) => { if (m.length >= 2 && m.readUInt16BE(0) === msg.readUInt16BE(0)) done(m); });
      s.send(msg, Number(portText), host);
    });
    if (reply) return reply;
  }
  return undefined;
}
