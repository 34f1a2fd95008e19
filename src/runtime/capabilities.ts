// Linux capabilities as Docker computes them: a default set, --cap-add/--cap-drop, and --privileged
// meaning "everything this host's bounding set allows" (runc fails if asked for a capability the host lacks).
import { invalid } from '../lib/errors.js';

/** Capability names indexed by their kernel number (linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40). */
export const KNOWN_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Docker's default set, in Docker's order (moby daemon/pkg/oci/caps/defaults.go). */
export const DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Decodes a hex capability mask (the CapBnd line of /proc/self/status) into names. */
export function capsFromMask(hex: string): string[] {
  const mask = BigInt('0x' + hex.trim());
  return KNOWN_CAPS.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

function normalize(names: string[], host: readonly string[]): string[] {
  return names.map((raw) => {
    let c = raw.toUpperCase();
    if (c === 'ALL') return c;
    if (!c.startsWith('CAP_')) c = 'CAP_' + c;
    if (!KNOWN_CAPS.includes(c)) throw invalid(`unknown capability: "${c}"`);
    if (!host.includes(c)) {
      throw invalid(`capability not supported by your kernel or not available in the current environment: "${c}"`);
    }
    return c;
  });
}

/** Docker's TweakCapabilities: privileged wins, then ALL in add or drop, else default minus drop plus add. */
export function effectiveCaps(opts: { privileged: boolean; capAdd?: string[]; capDrop?: string[] }, host: readonly string[]): string[] {
  if (opts.privileged) return [...host];
  const adds = opts.capAdd ?? [];
  const drops = opts.capDrop ?? [];
  if (adds.length === 0 && drops.length === 0) return [...DEFAULT_CAPS];
  const drop = normalize(drops, host);
  const add = normalize(adds, host);
  let caps: string[];
  if (add.includes('ALL')) caps = host.filter((c) => !drop.includes(c));
  else if (drop.includes('ALL')) caps = add;
  else caps = [...DEFAULT_CAPS.filter((c) => !drop.includes(c)), ...add];
  return [...new Set(caps)];
}
