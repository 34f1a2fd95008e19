// Shared setup for runtime integration tests: a busybox rootfs dir, private runc root and state dirs,
// and a leak check that everything the tests started is gone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime, type ConmonRuntime } from '../../../src/runtime/conmon-runtime.js';
import { buildSpec } from '../../../src/runtime/spec.js';
import { probeHost } from '../../../src/runtime/host-info.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { ExitInfo, HostInfo, SpecInput } from '../../../src/runtime/types.js';

export const RUNC = '/usr/sbin/runc';
export const CONMON = '/usr/bin/conmon';

export interface Harness {
  root: string;
  rootfs: string;
  runcRoot: string;
  stateDir: string;
  cgroupParent: string;
  rt: ConmonRuntime;
  host: HostInfo;
  spec(id: string, args: string[], extra?: Partial<SpecInput>): object;
  create(id: string, args: string[], extra?: Partial<SpecInput> & { openStdin?: boolean; stdinOnce?: boolean }): Promise<{ pid: number }>;
  /** Resolves with the next reported exit of `id`. */
  nextExit(id: string, timeoutMs?: number): Promise<ExitInfo>;
  exitCounts: Map<string, number>;
  logPath(id: string): string;
  teardown(): Promise<void>;
}

export function makeRootfs(dir: string): void {
  const tar = join(dir, 'bb.tar');
  mkdirSync(join(dir, 'rootfs'), { recursive: true });
  execFileSync('sh', [join(process.cwd(), 'scripts/make-busybox-rootfs.sh'), tar]);
  execFileSync('tar', ['-C', join(dir, 'rootfs'), '-xf', tar]);
}

export function setup(name: string): Harness {
  const root = `/tmp/berth-rt-${name}-${process.pid}`;
  rmSync(root, { recursive: true, force: true });
  makeRootfs(root);
  const runcRoot = join(root, 'runc');
  const stateDir = join(root, 'state');
  const cgroupParent = `berth-rt-${name}-${process.pid}`;
  const host = probeHost();
  const rt = createRuntime({ runtimePath: RUNC, conmonPath: CONMON, runcRoot, stateDir, logger: silentLogger, host });
  const waiters = new Map<string, Array<(i: ExitInfo) => void>>();
  const exitCounts = new Map<string, number>();
  rt.onExit((id, info) => {
    exitCounts.set(id, (exitCounts.get(id) ?? 0) + 1);
    for (const w of waiters.get(id)?.splice(0) ?? []) w(info);
  });
  const rootfs = join(root, 'rootfs');
  const spec = (id: string, args: string[], extra: Partial<SpecInput> = {}) => buildSpec({
    containerId: id, rootfs, readonlyRootfs: false, args, env: [], workingDir: '', user: '', hostname: id.slice(0, 12),
    tty: false, openStdin: false, netns: undefined, privileged: false, mounts: [], init: false,
    cgroupsPath: `/${cgroupParent}/${id}`, ...extra,
  }, host);
  const logPath = (id: string) => join(root, 'logs', `${id}.log`);
  const h: Harness = {
    root, rootfs, runcRoot, stateDir, cgroupParent, rt, host, exitCounts, logPath, spec,
    create: (id, args, extra = {}) => rt.create({
      id, spec: spec(id, args, extra), bundleDir: join(root, 'bundles', id), logPath: logPath(id),
      tty: extra.tty ?? false, openStdin: extra.openStdin ?? false, stdinOnce: extra.stdinOnce ?? false,
    }),
    nextExit: (id, timeoutMs = 10_000) => new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no exit of ${id} within ${timeoutMs} ms`)), timeoutMs);
      const list = waiters.get(id) ?? [];
      list.push((i) => { clearTimeout(t); resolve(i); });
      waiters.set(id, list);
    }),
    async teardown() {
      for (const id of await rt.list()) await rt.delete(id).catch(() => undefined);
      rt.close();
      for (const pid of conmonPids(stateDir)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      // The parent cgroup is the test's own; the runtime removes only the containers' leaf cgroups.
      for (const dir of cgroupDirs(cgroupParent)) { try { rmdirSync(dir); } catch { /* busy or gone */ } }
      rmSync(root, { recursive: true, force: true });
    },
  };
  return h;
}

/** conmon processes whose command line mentions `needle`. */
export function conmonPids(needle: string): number[] {
  const out: number[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      if (readFileSync(`/proc/${n}/comm`, 'utf8').trim() !== 'conmon') continue;
      if (readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(needle)) out.push(Number(n));
    } catch { /* exited */ }
  }
  return out;
}

/** Existing cgroup directories named <parent> (v1 controllers and the unified mount). */
export function cgroupDirs(parent: string, id?: string): string[] {
  const out: string[] = [];
  for (const ctrl of readdirSync('/sys/fs/cgroup')) {
    const p = id ? join('/sys/fs/cgroup', ctrl, parent, id) : join('/sys/fs/cgroup', ctrl, parent);
    if (existsSync(p)) out.push(p);
  }
  return out;
}

export async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
