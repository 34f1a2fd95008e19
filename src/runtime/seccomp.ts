// Compiles a seccomp policy into runc's LinuxSeccomp for one container: our default rules (seccomp-default.ts)
// or a Docker-format profile given as `--security-opt seccomp=<json>` (the docker CLI sends the file's content).
// Rules apply according to the container's capabilities, the host architecture and the kernel, as Docker does.
import { invalid } from '../lib/errors.js';
import { ARCHES, DEFAULT_ERRNO, DEFAULT_RULES, KNOWN_SYSCALLS, type SeccompRule } from './seccomp-default.js';
import type { HostInfo } from './types.js';

export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  flags?: string[];
  syscalls: Array<{ names: string[]; action: string; errnoRet?: number; args?: SeccompRule['args'] }>;
}

interface Target { caps: readonly string[]; goArch: string; kernel: [number, number] }

function applies(r: SeccompRule, t: Target): boolean {
  if (r.notCaps?.some((c) => t.caps.includes(c))) return false;
  if (r.notArches?.includes(t.goArch)) return false;
  if (r.arches?.length && !r.arches.includes(t.goArch)) return false;
  if (r.caps?.length && !r.caps.every((c) => t.caps.includes(c))) return false;
  if (r.minKernel) {
    const [maj, min] = t.kernel;
    if (maj < r.minKernel[0] || (maj === r.minKernel[0] && min < r.minKernel[1])) return false;
  }
  return true;
}

function target(caps: readonly string[], host: Pick<HostInfo, 'kernel'>, arch = process.arch): Target {
  return { caps, goArch: ARCHES[arch]?.goArch ?? arch, kernel: host.kernel ?? [0, 0] };
}

/** Docker's default profile for a container with these capabilities. */
export function defaultSeccomp(caps: readonly string[], host: Pick<HostInfo, 'kernel'>, arch = process.arch): OciSeccomp {
  const t = target(caps, host, arch);
  const syscalls: OciSeccomp['syscalls'] = [];
  for (const r of DEFAULT_RULES) {
    if (!applies(r, t)) continue;
    const entry: OciSeccomp['syscalls'][number] = { names: r.syscalls.trim().split(/\s+/), action: r.action === 'errno' ? 'SCMP_ACT_ERRNO' : 'SCMP_ACT_ALLOW' };
    if (r.action === 'errno') entry.errnoRet = r.errno;
    if (r.args) entry.args = r.args;
    syscalls.push(entry);
  }
  return { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: DEFAULT_ERRNO, architectures: ARCHES[arch]?.scmp ?? [], syscalls };
}

const ACTIONS = new Set(['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY']);
const OPS = new Set(['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']);

interface ProfileSyscall {
  name?: string; names?: string[]; action?: string; errnoRet?: number; args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string }; excludes?: { caps?: string[]; arches?: string[] };
}
interface Profile {
  defaultAction?: string; defaultErrnoRet?: number; architectures?: string[];
  archMap?: Array<{ architecture: string; subArchitectures?: string[] }>; syscalls?: ProfileSyscall[]; flags?: string[];
}

/** A Docker-format profile (JSON text) compiled for this container; Docker's wording for what it refuses. */
export function compileProfile(json: string, caps: readonly string[], host: Pick<HostInfo, 'kernel'>, arch = process.arch): OciSeccomp {
  let p: Profile;
  try { p = JSON.parse(json) as Profile; } catch (e) {
    throw invalid(`Decoding seccomp profile failed: ${(e as Error).message}`);
  }
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw invalid('Decoding seccomp profile failed: json: cannot unmarshal into Go value of type seccomp.Seccomp');
  if (!p.defaultAction || !ACTIONS.has(p.defaultAction)) throw invalid(`invalid seccomp profile: unknown default action "${p.defaultAction ?? ''}"`);
  if (p.architectures?.length && p.archMap?.length) throw invalid("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  const t = target(caps, host, arch);
  let architectures = p.architectures ?? [];
  if (p.archMap?.length) {
    const native = ARCHES[arch]?.scmp[0];
    const hit = p.archMap.find((a) => a.architecture === native);
    architectures = hit ? [hit.architecture, ...(hit.subArchitectures ?? [])] : [];
  }
  const syscalls: OciSeccomp['syscalls'] = [];
  for (const s of p.syscalls ?? []) {
    if (s.name && s.names?.length) throw invalid("'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'");
    const names = s.names ?? (s.name ? [s.name] : []);
    for (const n of names) if (!KNOWN_SYSCALLS.has(n)) throw invalid(`invalid seccomp profile: unknown syscall "${n}"`);
    if (!s.action || !ACTIONS.has(s.action)) throw invalid(`invalid seccomp profile: unknown action "${s.action ?? ''}" for syscalls ${names.join(', ')}`);
    for (const a of s.args ?? []) if (!OPS.has(a.op)) throw invalid(`invalid seccomp profile: unknown operator "${a.op}"`);
    const minKernel = s.includes?.minKernel ? parseKernel(s.includes.minKernel) : undefined;
    const rule: SeccompRule = { syscalls: names.join(' '), caps: s.includes?.caps, arches: s.includes?.arches, notCaps: s.excludes?.caps, notArches: s.excludes?.arches, minKernel };
    if (!names.length || !applies(rule, t)) continue;
    const entry: OciSeccomp['syscalls'][number] = { names, action: s.action };
    if (s.errnoRet !== undefined) entry.errnoRet = s.errnoRet;
    if (s.args?.length) entry.args = s.args;
    syscalls.push(entry);
  }
  const out: OciSeccomp = { defaultAction: p.defaultAction, architectures, syscalls };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  if (p.flags?.length) out.flags = p.flags;
  return out;
}

function parseKernel(v: string): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) throw invalid(`invalid seccomp profile: invalid kernel version "${v}"`);
  return [Number(m[1]), Number(m[2])];
}

/** `seccomp=unconfined` → none; `seccomp=builtin`/absent → default; `seccomp=<json>` → that profile. */
export function seccompFromSecurityOpt(securityOpt: string[] | undefined, caps: readonly string[], host: Pick<HostInfo, 'kernel'>): OciSeccomp | undefined {
  let value: string | undefined;
  for (const o of securityOpt ?? []) {
    const m = /^seccomp[=:]([\s\S]*)$/.exec(o);
    if (m) value = m[1];
  }
  if (value === 'unconfined') return undefined;
  if (value === undefined || value === '' || value === 'builtin') return defaultSeccomp(caps, host);
  return compileProfile(value, caps, host);
}
