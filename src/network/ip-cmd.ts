// Thin wrappers over iproute2. Each call is one process, so callers batch the steps that belong together.
import { existsSync } from 'node:fs';
import { run } from '../lib/exec-file.js';

export interface IpTools { ip: string; unshare: string; umount: string; mount: string; nsenter: string; nft: string; sh: string }

export const defaultTools: IpTools = { ip: 'ip', unshare: 'unshare', umount: 'umount', mount: 'mount', nsenter: 'nsenter', nft: 'nft', sh: 'sh' };

/** Runs several `ip` commands in one process; stops at the first failure (no -force). */
export async function ipBatch(tools: IpTools, commands: string[]): Promise<void> {
  await run(tools.ip, ['-batch', '-'], { input: commands.join('\n') + '\n' });
}

export async function ipJson<T>(tools: IpTools, args: string[]): Promise<T> {
  const r = await run(tools.ip, ['-j', ...args], { allowFail: true });
  if (r.code !== 0) throw new Error(`ip -j ${args.join(' ')}: ${r.stderr.trim()}`);
  const text = r.stdout.trim();
  return (text ? JSON.parse(text) : []) as T;
}

/** Whether a link exists in the daemon's namespace, answered from sysfs without spawning anything. */
export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** Runs host-namespace `ip` commands: a warm IpSession in the service, a plain batch elsewhere. */
export type HostIp = (lines: string[]) => Promise<void>;

export const spawnHostIp = (tools: IpTools): HostIp => (lines) => ipBatch(tools, lines);

/** Deletes a link if it exists; deleting one end of a veth pair deletes both. */
export async function deleteLink(hostIp: HostIp, name: string): Promise<void> {
  if (!linkExists(name)) return;
  try {
    await hostIp([`link del dev ${name}`]);
  } catch (e) {
    if (linkExists(name)) throw e;
  }
}

export interface RouteEntry { dst: string; dev?: string }
export interface AddrInfo { family: string; local: string; prefixlen: number }
export interface LinkEntry {
  ifname: string;
  address?: string;
  mtu?: number;
  operstate?: string;
  flags?: string[];
  master?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: AddrInfo[];
}
