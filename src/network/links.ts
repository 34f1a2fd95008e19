// Kernel links of one sandbox interface: a veth pair onto a bridge, or a macvlan link on a parent. The first
// interface is made while the namespace is created (one process chain, see netns.ts); later ones (network
// connect) enter the existing namespace with nsenter. Every creating step registers its undo first.
import { createHash } from 'node:crypto';
import { resolveCommand, run } from '../lib/exec-file.js';
import { deleteLink, ipBatch, type HostIp, type IpTools } from './ip-cmd.js';
import { createNetnsWithBatch, removeNetns, type NetnsStep } from './netns.js';
import type { UsernsOwner } from './userns-owner.js';

export interface LinkSpec {
  netnsPath: string;
  /** Namespace is new: create it with this link (and bring lo up). */
  first: boolean;
  ifname: string;
  kind: 'veth' | 'macvlan';
  /** veth: host end and bridge; macvlan: parent and mode. */
  vethHost?: string;
  bridge?: string;
  parent?: string;
  macvlanMode?: string;
  ip?: string;
  prefixLen?: number;
  ip6?: string;
  prefixLen6?: number;
  gateway?: string;
  gateway6?: string;
  defaultRoute: boolean;
  mac: string;
  mtu: number;
  hairpin?: boolean;
  /** veth only: more `ip -batch` lines after the link's own, then a shell step, in the same process chain. */
  extraInNs?: { lines: string[]; then: NetnsStep };
  /** With `first`, --userns-remap: the new namespace belongs to this user namespace, made with it (the
   *  caller registers the pin's removal). */
  userns?: UsernsOwner;
}

/** Runs `ip -batch` inside an existing namespace (then `then`, through sh, in the same chain). */
export async function nsBatch(tools: IpTools, netnsPath: string, lines: string[], then?: NetnsStep): Promise<void> {
  const inNs = then ? [tools.sh, '-c', `"$0" -batch - && ${then.script}`, resolveCommand(tools.ip), ...then.args] : [tools.ip, '-batch', '-'];
  await run(tools.nsenter, [`--net=${netnsPath}`, ...inNs], { input: lines.join('\n') + '\n' });
}

/** Temporary host-side name of a macvlan link before it moves into the namespace. */
export function macvlanTempName(parent: string, containerId: string): string {
  return 'mv' + createHash('sha256').update(`${parent}\0${containerId}`).digest('hex').slice(0, 11);
}

function addressLines(s: LinkSpec): string[] {
  const out: string[] = [];
  if (s.ip) out.push(`addr add ${s.ip}/${s.prefixLen} brd + dev ${s.ifname}`);
  // nodad: the address is ours alone on this network (IPAM says so); waiting ~1 s for DAD would delay start.
  if (s.ip6) out.push(`addr add ${s.ip6}/${s.prefixLen6} dev ${s.ifname} nodad`);
  out.push(`link set ${s.ifname} up`);
  if (s.defaultRoute && s.gateway) out.push(`route add default via ${s.gateway} dev ${s.ifname}`);
  if (s.defaultRoute && s.gateway6) out.push(`route add ::/0 via ${s.gateway6} dev ${s.ifname}`);
  return out;
}

export async function createLink(tools: IpTools, hostIp: HostIp, s: LinkSpec, undo: (fn: () => Promise<void>) => void): Promise<void> {
  if (s.first) undo(() => removeNetns(tools, s.netnsPath));
  const inNs = async (lines: string[]) => {
    const extra = s.kind === 'veth' ? s.extraInNs : undefined;
    if (s.first && s.kind === 'veth') await createNetnsWithBatch(tools, s.netnsPath, ['link set lo up', ...lines, ...extra?.lines ?? []], extra?.then, s.userns);
    else await nsBatch(tools, s.netnsPath, [...lines, ...extra?.lines ?? []], extra?.then);
  };
  if (s.kind === 'veth') {
    undo(() => deleteLink(hostIp, s.vethHost!));
    await inNs([
      `link add ${s.ifname} mtu ${s.mtu} address ${s.mac} type veth peer name ${s.vethHost} mtu ${s.mtu} netns ${process.pid}`,
      ...addressLines(s),
    ]);
    const host = [`link set dev ${s.vethHost} master ${s.bridge} up`];
    if (s.hairpin) host.push(`link set dev ${s.vethHost} type bridge_slave hairpin on`);
    await hostIp(host);
    return;
  }
  // macvlan: made on the host (its parent lives there), moved into the namespace, then configured inside.
  if (s.first) await createNetnsWithBatch(tools, s.netnsPath, ['link set lo up'], undefined, s.userns);
  const tmp = macvlanTempName(s.parent!, s.netnsPath);
  undo(() => deleteLink(hostIp, tmp));
  undo(() => nsBatch(tools, s.netnsPath, [`link del ${s.ifname}`]).catch(() => undefined));
  // A process of its own, not the warm session: ip keeps the namespace file it opened for `netns <path>`,
  // and a long-lived holder would make the namespace's unmount fail with EBUSY later.
  await ipBatch(tools, [
    `link add ${tmp} link ${s.parent} mtu ${s.mtu} address ${s.mac} type macvlan mode ${s.macvlanMode ?? 'bridge'}`,
    `link set dev ${tmp} netns ${s.netnsPath}`,
  ]);
  await nsBatch(tools, s.netnsPath, [`link set ${tmp} name ${s.ifname}`, ...addressLines(s)]);
}

/** Removes one interface from a live namespace (network disconnect). */
export async function removeLink(tools: IpTools, hostIp: HostIp, l: { kind: 'veth' | 'macvlan'; vethHost?: string; ifname: string }, netnsPath: string): Promise<void> {
  if (l.kind === 'veth' && l.vethHost) await deleteLink(hostIp, l.vethHost);
  else await nsBatch(tools, netnsPath, [`link del ${l.ifname}`]).catch(() => undefined);
}

/** Moves the default route to another interface after the one carrying it left. */
export async function setDefaultRoute(tools: IpTools, netnsPath: string, ifname: string, gateway?: string, gateway6?: string): Promise<void> {
  const lines: string[] = [];
  if (gateway) lines.push(`route replace default via ${gateway} dev ${ifname}`);
  if (gateway6) lines.push(`route replace ::/0 via ${gateway6} dev ${ifname}`);
  if (lines.length) await nsBatch(tools, netnsPath, lines);
}
