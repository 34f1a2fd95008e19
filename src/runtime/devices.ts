// Devices as Docker gives them to a container: the default cgroup allow-list, --device nodes (a directory
// adds every device under it), --device-cgroup-rule, and --privileged (every host device, allow all).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { invalid } from '../lib/errors.js';
import { statDevice } from './host-info.js';
import type { HostInfo, SpecInput } from './types.js';

export interface DeviceNode { path: string; type: 'c' | 'b'; major: number; minor: number; fileMode: number; uid: number; gid: number }
export interface DeviceRule { allow: boolean; type?: string; major?: number; minor?: number; access?: string }

const allow = (major: number, minor: number): DeviceRule => ({ allow: true, type: 'c', major, minor, access: 'rwm' });

/** Docker's default rules: deny all, then null, zero, urandom, random, tty, console; deny tun (runc adds pts/ptmx). */
export function defaultDeviceRules(): DeviceRule[] {
  return [
    { allow: false, access: 'rwm' },
    allow(1, 5), allow(1, 3), allow(1, 9), allow(1, 8), allow(5, 0), allow(5, 1),
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ];
}

export function validDevicePermissions(p: string): boolean {
  return p.length > 0 && p.length <= 3 && /^[rwm]+$/.test(p) && new Set(p).size === p.length;
}

/** `c 1:3 rwm`, `b *:* m`, `a` … (Docker's --device-cgroup-rule). */
export function parseDeviceCgroupRule(rule: string): DeviceRule {
  const m = /^([abc])(?:\s+(\d+|\*):(\d+|\*)\s+([rwm]{1,3}))?$/.exec(rule.trim());
  if (!m) throw invalid(`invalid device cgroup format '${rule}'`);
  if (m[1] === 'a') return { allow: true, access: m[4] ?? 'rwm' };
  const n = (x: string | undefined) => (x === undefined || x === '*' ? -1 : Number(x));
  return { allow: true, type: m[1], major: n(m[2]), minor: n(m[3]), access: m[4] ?? 'rwm' };
}

function devicesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (st.isDirectory()) out.push(...devicesUnder(p));
    else if (st.isCharacterDevice() || st.isBlockDevice()) out.push(p);
  }
  return out;
}

/** Device nodes to create and cgroup rules for one container. */
export function buildDevices(input: SpecInput, host: HostInfo): { nodes: DeviceNode[]; rules: DeviceRule[] } {
  if (input.privileged) {
    return { nodes: host.devices.map((d) => ({ ...d })), rules: [{ allow: true, access: 'rwm' }] };
  }
  const nodes: DeviceNode[] = [];
  const rules = defaultDeviceRules();
  for (const d of input.devices ?? []) {
    const perms = d.CgroupPermissions || 'rwm';
    if (!validDevicePermissions(perms)) throw invalid(`invalid device mode: ${perms}`);
    let st;
    try { st = statSync(d.PathOnHost); } catch (e) {
      throw invalid(`error gathering device information while adding custom device "${d.PathOnHost}": no such file or directory`);
    }
    const target = d.PathInContainer || d.PathOnHost;
    const list = st.isDirectory()
      ? devicesUnder(d.PathOnHost).map((p) => ({ host: p, ctr: join(target, p.slice(d.PathOnHost.replace(/\/+$/, '').length)) }))
      : [{ host: d.PathOnHost, ctr: target }];
    for (const { host: hp, ctr } of list) {
      const dev = statDevice(hp);
      if (!dev) throw invalid(`error gathering device information while adding custom device "${d.PathOnHost}": not a device node`);
      nodes.push({ ...dev, path: ctr });
      rules.push({ allow: true, type: dev.type, major: dev.major, minor: dev.minor, access: perms });
    }
  }
  for (const r of input.deviceCgroupRules ?? []) rules.push(parseDeviceCgroupRule(r));
  return { nodes, rules };
}
