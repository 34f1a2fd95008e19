// The embedded DNS server of user-defined networks. berthd lives in the host's namespace, so it cannot listen
// on Docker's 127.0.0.11 inside each container; it answers on each network's gateway address (port 53), which
// every container of the network reaches on-link, and a DNAT table inside each container's namespace carries
// its queries to 127.0.0.11 there (dns-redirect.ts), with the container's own address as the source. The
// source address of a query says which container asks, hence which networks' names it may see.
// Names it does not own are forwarded, as raw packets, to the upstream resolvers chosen for that container.
// TCP is served too (length-prefixed, RFC 1035 4.2.2): resolvers retry there when an upstream answer was truncated.
// macvlan-only containers are served on sockets inside their own namespace instead (ns-dns.ts, serveSockets).
import { createSocket, type Socket } from 'node:dgram';
import { createConnection, createServer, isIP, type Server } from 'node:net';
import type { Logger } from '../lib/logger.js';
import { errorMessage } from '../lib/errors.js';
import { buildResponse, parseQuery, RCODE_NXDOMAIN, RCODE_SERVFAIL, type Answer } from './dns-packet.js';

export type LookupResult =
  | { kind: 'answer'; answers: Answer[] }
  | { kind: 'nxdomain' }
  | { kind: 'forward'; servers: string[] };

/** Whom a query on a container's own sockets is answered for: its network and its address there. */
export interface Asker { networkId: string; clientIp: string }

export type Lookup = (networkId: string, clientIp: string, name: string, type: number) => LookupResult;

const FORWARD_TIMEOUT_MS = 2000;

export class EmbeddedDns {
  private readonly sockets = new Map<string, Socket[]>();
  private readonly servers = new Map<string, Server[]>();

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
      sock.on('message', (msg, rinfo) => { void this.reply(networkId, msg, rinfo.address, false).then((r) => { if (r) sock.send(r, rinfo.port, rinfo.address); }); });
      sock.unref();
      socks.push(sock);
      const srv = createServer((conn) => this.serveTcp(conn, (msg) => this.reply(networkId, msg, conn.remoteAddress ?? '', true)));
      srv.on('error', (e) => this.logger.warn('embedded DNS TCP listener failed', { address, error: errorMessage(e) }));
      srv.listen({ host: address, port: this.port }, () => srv.unref());
      (this.servers.get(networkId) ?? this.servers.set(networkId, []).get(networkId)!).push(srv);
    }
    this.sockets.set(networkId, socks);
    return ok;
  }

  /**
   * Serves on sockets made elsewhere (ns-dns.ts: 127.0.0.11:53 inside one container's namespace) under `key`.
   * Every query there comes from that one container over loopback, so `asker` says, at the time of the query,
   * which network and address it is answered for (undefined: dropped); close(key) closes the sockets.
   */
  serveSockets(key: string, asker: () => Asker | undefined, udp: Socket, tcp: Server): void {
    this.close(key);
    const ask = (msg: Buffer, tcpAsked: boolean) => {
      const who = asker();
      return who ? this.reply(who.networkId, msg, who.clientIp, tcpAsked) : Promise.resolve(undefined);
    };
    udp.on('error', (e) => this.logger.warn('embedded DNS socket error', { key, error: errorMessage(e) }));
    udp.on('message', (msg, rinfo) => { void ask(msg, false).then((r) => { if (r) udp.send(r, rinfo.port, rinfo.address); }); });
    udp.unref();
    tcp.on('error', (e) => this.logger.warn('embedded DNS TCP listener failed', { key, error: errorMessage(e) }));
    tcp.on('connection', (conn) => this.serveTcp(conn, (msg) => ask(msg, true)));
    tcp.unref();
    this.sockets.set(key, [udp]);
    this.servers.set(key, [tcp]);
  }

  private serveTcp(conn: import('node:net').Socket, answer: (msg: Buffer) => Promise<Buffer | undefined>): void {
    let buf = Buffer.alloc(0);
    conn.setTimeout(10_000, () => conn.destroy());
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void answer(Buffer.from(msg)).then((r) => {
          if (!r || conn.destroyed) return;
          const len = Buffer.alloc(2); len.writeUInt16BE(r.length);
          conn.write(Buffer.concat([len, r]));
        });
      }
    });
  }

  close(networkId: string): void {
    for (const s of this.sockets.get(networkId) ?? []) s.close();
    for (const s of this.servers.get(networkId) ?? []) s.close();
    this.sockets.delete(networkId);
    this.servers.delete(networkId);
  }

  closeAll(): void {
    for (const id of [...this.sockets.keys()]) this.close(id);
  }

  private async reply(networkId: string, msg: Buffer, addr: string, tcp: boolean): Promise<Buffer | undefined> {
    const q = parseQuery(msg);
    if (!q) return undefined;
    try {
      const r = this.lookup(networkId, addr.replace(/^::ffff:/, ''), q.name, q.type);
      if (r.kind === 'answer') return buildResponse(msg, q, r.answers);
      if (r.kind === 'nxdomain') return buildResponse(msg, q, [], RCODE_NXDOMAIN);
      return (await (tcp ? forwardTcp : forward)(msg, r.servers)) ?? buildResponse(msg, q, [], RCODE_SERVFAIL);
    } catch (e) {
      this.logger.debug('embedded DNS lookup failed', { name: q.name, error: errorMessage(e) });
      return buildResponse(msg, q, [], RCODE_SERVFAIL);
    }
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

/** The same over TCP (a truncated UDP answer makes the client ask again here). */
async function forwardTcp(msg: Buffer, servers: string[]): Promise<Buffer | undefined> {
  for (const server of servers) {
    const [host, portText] = server.includes('#') ? server.split('#') as [string, string] : [server, '53'];
    if (!isIP(host)) continue;
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      let buf = Buffer.alloc(0);
      const c = createConnection({ host, port: Number(portText) }, () => {
        const len = Buffer.alloc(2); len.writeUInt16BE(msg.length);
        c.write(Buffer.concat([len, msg]));
      });
      const done = (b: Buffer | undefined) => { c.destroy(); resolve(b); };
      c.setTimeout(FORWARD_TIMEOUT_MS, () => done(undefined));
      c.on('error', () => done(undefined));
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
    });
    if (reply) return reply;
  }
  return undefined;
}
