// The default bridge's links: the bridge device itself and one veth pair per container.
import { formatIp4, macFromIp4 } from './cidr.js';
import { deleteLink, ipBatch, ipJson, type HostIp, type IpTools, type LinkEntry } from './ip-cmd.js';
import { createNetnsWithBatch, removeNetns } from './netns.js';
import { createHash } from 'node:crypto';

export interface BridgeSpec {
  device: string;
  gateway: number;
  prefixLen: number;
  mtu: number;
}

/** Reads the bridge device, or undefined when it does not exist. */
export async function inspectBridge(tools: IpTools, device: string): Promise<LinkEntry | undefined> {
  try {
    const links = await ipJson<LinkEntry[]>(tools, ['-d', 'addr', 'show', 'dev', device]);
    return links[0];
  } catch {
    return undefined;
  }
}

/**
 * Creates the bridge, or repairs an existing one (address, up), in one `ip -batch`. The bridge gets a fixed
 * MAC derived from its address: otherwise Linux gives a bridge the lowest MAC of its ports, and the gateway's
 * MAC would change under the containers as ports come and go.
 */
export async function ensureBridge(tools: IpTools, spec: BridgeSpec, existing: LinkEntry | undefined): Promise<void> {
  const gw = `${formatIp4(spec.gateway)}/${spec.prefixLen}`;
  const cmds: string[] = [];
  if (existing && existing.linkinfo?.info_kind !== undefined && existing.linkinfo.info_kind !== 'bridge') {
    throw new Error(`device ${spec.device} exists and is not a bridge (${existing.linkinfo.info_kind})`);
  }
  if (!existing) {
    cmds.push(`link add name ${spec.device} mtu ${spec.mtu} address ${macFromIp4(spec.gateway)} type bridge`);
  }
  const v4 = (existing?.addr_info ?? []).filter((a) => a.family === 'inet');
  for (const a of v4) {
    // A stale address from an earlier --bip would leave a second route into the wrong subnet.
    if (`${a.local}/${a.prefixlen}` !== gw) cmds.push(`addr del ${a.local}/${a.prefixlen} dev ${spec.device}`);
  }
  if (!v4.some((a) => `${a.local}/${a.prefixlen}` === gw)) cmds.push(`addr add ${gw} dev ${spec.device}`);
  if (!existing || !(existing.flags ?? []).includes('UP')) cmds.push(`link set ${spec.device} up`);
  if (cmds.length > 0) await ipBatch(tools, cmds);
}

export async function removeBridge(hostIp: HostIp, device: string): Promise<void> {
  await deleteLink(hostIp, device);
}

/**
 * Host-side veth name: derived from bridge and container so detach can find it without a record, unique
 * across daemons side by side (15 bytes, the kernel's IFNAMSIZ limit).
 */
export function vethNameFor(bridge: string, containerId: string): string {
  return 'veth' + createHash('sha256').update(`${bridge}\0${containerId}`).digest('hex').slice(0, 11);
}

export const isOurVethName = (name: string) => /^veth[0-9a-f]{11}$/.test(name);

export interface VethSpec {
  netnsPath: string;
  vethHost: string;
  bridge: string;
  ip: number;
  prefixLen: number;
  gateway: number;
  mac: string;
  mtu: number;
  /** Lets a container reach its own published port through the host (reflection back out the same port). */
  hairpin?: boolean;
}

/**
 * Two spawns. (1) `unshare --net=<path> ip -batch`: inside the new namespace create the pair, sending the host
 * end to the daemon's namespace, and configure eth0, lo and the default route. (2) On the host, enslave the
 * host end to the bridge and bring it up (a master can only be set from the namespace the bridge lives in);
 * the service sends that line to its warm IpSession, so it costs no spawn.
 * `undo` receives the cleanup before anything is created, so a failure at any step leaves nothing behind.
 */
export async function createVethInNetns(
  tools: IpTools, hostIp: HostIp, spec: VethSpec, undo: (fn: () => Promise<void>) => void,
): Promise<void> {
  undo(() => removeNetns(tools, spec.netnsPath));
  undo(() => deleteLink(hostIp, spec.vethHost));
  const ip = `${formatIp4(spec.ip)}/${spec.prefixLen}`;
  await createNetnsWithBatch(tools, spec.netnsPath, [
    `link add eth0 mtu ${spec.mtu} address ${spec.mac} type veth peer name ${spec.vethHost} mtu ${spec.mtu} netns ${process.pid}`,
    'link set lo up',
    `addr add ${ip} brd + dev eth0`,
    'link set eth0 up',
    `route add default via ${formatIp4(spec.gateway)} dev eth0`,
  ]);
  const host = [`link set dev ${spec.vethHost} master ${spec.bridge} up`];
  if (spec.hairpin) host.push(`link set dev ${spec.vethHost} type bridge_slave hairpin on`);
  await hostIp(host);
}

/** A namespace with only loopback up (none mode), one spawn. */
export async function createLoopbackNetns(tools: IpTools, netnsPath: string, undo: (fn: () => Promise<void>) => void): Promise<void> {
  undo(() => removeNetns(tools, netnsPath));
  await createNetnsWithBatch(tools, netnsPath, ['link set lo up']);
}
