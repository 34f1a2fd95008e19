// Kernel switches the bridge needs, written through /proc/sys directly (no sysctl process).
import { promises as fs } from 'node:fs';

/** Turns on IPv4 forwarding; returns whether it had to change anything. */
export async function enableIpv4Forwarding(path = '/proc/sys/net/ipv4/ip_forward'): Promise<boolean> {
  const current = (await fs.readFile(path, 'utf8')).trim();
  if (current === '1') return false;
  await fs.writeFile(path, '1\n');
  return true;
}

/**
 * Lets packets with a loopback source leave through the bridge, so the output-chain DNAT of 127.0.0.1:port to
 * a container works (Docker does the same without its userland proxy). The firewall's guard chain drops
 * what this would otherwise open: containers sending to 127.0.0.0/8 through the bridge.
 */
export async function enableRouteLocalnet(device: string): Promise<void> {
  await fs.writeFile(`/proc/sys/net/ipv4/conf/${device}/route_localnet`, '1\n');
}

/** IPv6 forwarding for networks with --ipv6 (Docker does the same; note it stops the host accepting RAs). */
export async function enableIpv6Forwarding(path = '/proc/sys/net/ipv6/conf/all/forwarding'): Promise<boolean> {
  const current = (await fs.readFile(path, 'utf8')).trim();
  if (current === '1') return false;
  await fs.writeFile(path, '1\n');
  return true;
}

/** Bridged frames through the inet forward hook, so enable_icc=false can drop traffic inside a bridge. */
export async function enableBridgeNetfilter(path = '/proc/sys/net/bridge/bridge-nf-call-iptables'): Promise<void> {
  if ((await fs.readFile(path, 'utf8')).trim() !== '1') await fs.writeFile(path, '1\n');
}
