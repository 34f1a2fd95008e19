// Which link types the kernel offers, asked the way an administrator would: try to create one. This host has
// macvlan but no ipvlan, 802.1q vlan or dummy links ("Unknown device type"), and cannot load modules.
import { createHash } from 'node:crypto';
import { run } from '../lib/exec-file.js';
import type { IpTools } from './ip-cmd.js';
import type { KernelLinks } from './network-config.js';

async function canCreate(tools: IpTools, kind: string, args: string[]): Promise<boolean> {
  const name = 'bprobe' + createHash('sha256').update(`${process.pid}${kind}`).digest('hex').slice(0, 8);
  const r = await run(tools.ip, ['link', 'add', name, ...args, 'type', kind, ...(kind === 'vlan' ? ['id', '4000'] : kind === 'macvlan' ? ['mode', 'bridge'] : [])], { allowFail: true });
  if (r.code === 0) {
    await run(tools.ip, ['link', 'del', name], { allowFail: true });
    return true;
  }
  return !/Unknown device type|not supported/i.test(r.stderr);
}

export async function probeKernelLinks(tools: IpTools): Promise<KernelLinks> {
  const [dummy, ipvlan, vlan, macvlan] = await Promise.all([
    canCreate(tools, 'dummy', []),
    canCreate(tools, 'ipvlan', ['link', 'lo']),
    canCreate(tools, 'vlan', ['link', 'lo']),
    canCreate(tools, 'macvlan', ['link', 'lo']),
  ]);
  return { dummy, ipvlan, vlan, macvlan };
}
