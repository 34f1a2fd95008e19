// Whether some process of the host already listens on a port: bind a socket for a moment and let it go.
// Publishing over an existing listener would silently steal its traffic through DNAT.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { promises as fs } from 'node:fs';

export function portInUse(protocol: string, hostIp: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'tcp') {
      const srv = createServer();
      srv.once('error', () => resolve(true));
      srv.listen({ host: hostIp, port, exclusive: true, ipv6Only: hostIp.includes(':') }, () => srv.close(() => resolve(false)));
    } else if (protocol === 'udp') {
      const sock = createSocket(hostIp.includes(':') ? 'udp6' : 'udp4');
      sock.once('error', () => { sock.close(); resolve(true); });
      sock.bind({ address: hostIp, port, exclusive: true }, () => sock.close(() => resolve(false)));
    } else {
      resolve(false); // Node has no SCTP sockets; our own bookkeeping still prevents double publication.
    }
  });
}

/** The kernel's ephemeral range, which Docker also uses for `-p 80` without a host port. */
export async function ephemeralPortRange(): Promise<[number, number]> {
  try {
    const [lo, hi] = (await fs.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
    if (lo && hi && lo <= hi) return [lo, hi];
  } catch { /* fall through */ }
  return [49153, 65535];
}
