// `update` / `container update`: docker's resource flags → POST /containers/{id}/update with the body the docker
// CLI 28 sends (container.UpdateConfig in Go field order), one container after the other, names echoed, daemon
// warnings printed after them, errors joined (exit 1).
import { ApiError } from '../../client/errors.js';
import type { FlagDef, Parsed } from '../args.js';
import { PROG, StatusError, str, type Command } from '../cli.js';

const errText = (e: unknown) => (e instanceof ApiError ? `Error response from daemon: ${e.message}` : e instanceof Error ? e.message : String(e));

const FLAGS: FlagDef[] = [
  { name: 'blkio-weight', type: 'string', desc: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
  { name: 'cpu-period', type: 'int', desc: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { name: 'cpu-quota', type: 'int', desc: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { name: 'cpu-rt-period', type: 'int', desc: 'Limit the CPU real-time period in microseconds' },
  { name: 'cpu-rt-runtime', type: 'int', desc: 'Limit the CPU real-time runtime in microseconds' },
  { name: 'cpu-shares', short: 'c', type: 'int', desc: 'CPU shares (relative weight)' },
  { name: 'cpus', type: 'string', desc: 'Number of CPUs' },
  { name: 'cpuset-cpus', type: 'string', desc: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', type: 'string', desc: 'MEMs in which to allow execution (0-3, 0,1)' },
  { name: 'help', type: 'bool', desc: 'Print usage' },
  { name: 'kernel-memory', type: 'string', hidden: true, desc: 'Kernel memory limit (deprecated)' },
  { name: 'memory', short: 'm', type: 'string', desc: 'Memory limit' },
  { name: 'memory-reservation', type: 'string', desc: 'Memory soft limit' },
  { name: 'memory-swap', type: 'string', desc: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap' },
  { name: 'pids-limit', type: 'int', desc: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'restart', type: 'string', desc: 'Restart policy to apply when a container exits' },
];

const USAGE = '[OPTIONS] CONTAINER [CONTAINER...]';

/** go-units parseSize with the binary map (RAMInBytes), error texts included. */
export function ramInBytesStrict(s: string): number {
  const sep = Math.max(...[...'0123456789. '].map((c) => s.lastIndexOf(c)));
  if (sep < 0) throw new Error(`invalid size: '${s}'`);
  const num = s[sep] !== ' ' ? s.slice(0, sep + 1) : s.slice(0, sep);
  let sfx = s.slice(sep + 1);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(num)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(num)}: invalid syntax`);
  let size = parseFloat(num);
  if (size < 0) throw new Error(`invalid size: '${s}'`);
  if (sfx === '') return Math.trunc(size);
  const bad = () => new Error(`invalid suffix: '${sfx}'`);
  if (sfx.length > 3) throw bad();
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') { if (sfx.length > 1) throw bad(); return Math.trunc(size); }
  const mul = ({ k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 } as Record<string, number>)[sfx[0]!];
  if (mul === undefined) throw bad();
  size *= mul;
  if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) throw bad();
  return Math.trunc(size);
}

/** opts.NanoCPUs: a decimal as big.Rat, times 1e9, must be whole. */
export function parseNanoCpus(v: string): number {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(v.trim() === v ? v : '');
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`failed to parse ${v} as a rational number`);
  const frac = m[3] ?? '';
  if (frac.replace(/0+$/, '').length > 9) throw new Error(`value is too precise`);
  const nanos = Number(m[2] || '0') * 1e9 + Number((frac + '000000000').slice(0, 9));
  return m[1] === '-' ? -nanos : nanos;
}

/** strconv.ParseUint(s, 0, 16) as pflag's uint16 does it. */
function parseUint16(v: string): number {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(v)) n = parseInt(v.slice(2), 16);
  else if (/^0[oO]?[0-7]+$/.test(v)) n = parseInt(v.replace(/^0[oO]?/, ''), 8);
  else if (/^0[bB][01]+$/.test(v)) n = parseInt(v.slice(2), 2);
  else if (/^\d+$/.test(v)) n = Number(v);
  else throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
  if (n > 65535) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

/** opts.ParseRestartPolicy: only the shape is checked here; the daemon validates the name. */
export function parseRestartPolicy(policy: string): { Name: string; MaximumRetryCount: number } {
  if (policy === '') return { Name: '', MaximumRetryCount: 0 };
  const at = policy.indexOf(':');
  const k = at < 0 ? policy : policy.slice(0, at);
  const v = at < 0 ? '' : policy.slice(at + 1);
  if (at >= 0 && k === '') throw new Error('invalid restart policy format: no policy provided before colon');
  let count = 0;
  if (v !== '') {
    if (!/^[-+]?\d+$/.test(v)) throw new Error('invalid restart policy format: maximum retry count must be an integer');
    count = Number(v);
  }
  return { Name: k, MaximumRetryCount: count };
}

/** Flags → container.UpdateConfig (Resources fields in Go order, then RestartPolicy). Throws flag errors as [flag, message]. */
export function buildUpdateBody(p: Parsed): Record<string, unknown> {
  const flagDesc = (n: string) => { const f = FLAGS.find((x) => x.name === n)!; return f.short ? `-${f.short}, --${n}` : `--${n}`; };
  const conv = <T>(n: string, fn: (v: string) => T, dflt: T): T => {
    if (!p.changed.has(n)) return dflt;
    const v = str(p, n);
    try { return fn(v); } catch (e) { throw new FlagValueError(`invalid argument "${v}" for "${flagDesc(n)}" flag: ${(e as Error).message}`); }
  };
  const N = (n: string) => Number(p.flags[n] ?? 0);
  const bytes = (n: string) => conv(n, ramInBytesStrict, 0);
  const pids = N('pids-limit');
  let restart = { Name: '', MaximumRetryCount: 0 };
  const resources: Record<string, unknown> = {
    CpuShares: N('cpu-shares'), Memory: bytes('memory'), NanoCpus: conv('cpus', parseNanoCpus, 0),
    CgroupParent: '', BlkioWeight: conv('blkio-weight', parseUint16, 0),
    BlkioWeightDevice: null, BlkioDeviceReadBps: null, BlkioDeviceWriteBps: null, BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null,
    CpuPeriod: N('cpu-period'), CpuQuota: N('cpu-quota'), CpuRealtimePeriod: N('cpu-rt-period'), CpuRealtimeRuntime: N('cpu-rt-runtime'),
    CpusetCpus: str(p, 'cpuset-cpus'), CpusetMems: str(p, 'cpuset-mems'),
    Devices: null, DeviceCgroupRules: null, DeviceRequests: null,
  };
  const kmem = bytes('kernel-memory');
  if (kmem) resources.KernelMemory = kmem;
  Object.assign(resources, {
    MemoryReservation: bytes('memory-reservation'),
    MemorySwap: conv('memory-swap', (v) => (v === '-1' ? -1 : ramInBytesStrict(v)), 0),
    MemorySwappiness: null, OomKillDisable: null, PidsLimit: pids !== 0 ? pids : null, Ulimits: null,
    CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
  });
  if (str(p, 'restart') !== '') {
    try { restart = parseRestartPolicy(str(p, 'restart')); } catch (e) { throw new StatusError(1, (e as Error).message); }
  }
  return { ...resources, RestartPolicy: restart };
}

class FlagValueError extends Error {}

function makeUpdate(name: string): Command {
  return {
    spec: {
      name, usage: USAGE, desc: 'Update configuration of one or more containers', minArgs: 1,
      aliases: ['container update', 'update'], flags: FLAGS,
    },
    async run(cli, p) {
      let body: Record<string, unknown>;
      try { body = buildUpdateBody(p); } catch (e) {
        if (e instanceof FlagValueError) {
          throw new StatusError(125, `${e.message}\n\nUsage:  ${PROG} ${name} ${USAGE}\n\nRun '${PROG} ${name} --help' for more information`);
        }
        throw e;
      }
      if ([...p.changed].filter((f) => f !== 'help').length === 0) throw new StatusError(1, 'you must provide one or more flags when using this command');
      const errs: string[] = [];
      const warns: string[] = [];
      for (const c of p.args) {
        try {
          const r = await cli.client.json<{ Warnings?: string[] | null }>('POST', `/containers/${encodeURIComponent(c)}/update`, { body });
          cli.outLine(c);
          warns.push(...(r?.Warnings ?? []));
        } catch (e) { errs.push(errText(e)); }
      }
      if (warns.length) cli.outLine(warns.join('\n'));
      if (errs.length) throw new StatusError(1, errs.join('\n'));
      return 0;
    },
  };
}

export const update = makeUpdate('update');
export const containerUpdate = makeUpdate('container update');
