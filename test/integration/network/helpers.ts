// Shared set-up for the network integration tests: a daemon config with its own bridge, table, subnet and
// temporary roots, so the tests can run beside a real berthd (and beside each other).
import { promises as fs, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type DaemonConfig } from '../../../src/engine/config.js';
import { run } from '../../../src/lib/exec-file.js';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** A /24 in 172.29.0.0/16 that no host route touches, picked from the pid so parallel suites differ. */
export async function freeSubnet(salt: number): Promise<number> {
  const routes = (await run('ip', ['-4', 'route', 'show'])).stdout;
  for (let i = 0; i < 250; i++) {
    const n = ((process.pid + salt * 37 + i) % 250) + 2;
    if (!routes.includes(`172.29.${n}.`)) return n;
  }
  throw new Error('no free test subnet');
}

export interface TestEnv {
  config: DaemonConfig;
  root: string;
  cleanup(): Promise<void>;
}

export async function makeEnv(tag: string, salt: number, over: Partial<DaemonConfig> = {}): Promise<TestEnv> {
  const root = await fs.mkdtemp(join(tmpdir(), `berth-net-${tag}-`));
  const n = await freeSubnet(salt);
  const config: DaemonConfig = {
    ...defaultConfig(),
    dataRoot: join(root, 'data'),
    execRoot: join(root, 'exec'),
    bridge: `bt${tag}${process.pid}`.slice(0, 15),
    firewallTable: `berth_test_${tag}_${process.pid}`,
    bip: `172.29.${n}.1/24`,
    ...over,
  };
  return {
    config,
    root,
    async cleanup() {
      await run('ip', ['link', 'del', config.bridge], { allowFail: true });
      await run('nft', ['delete', 'table', 'inet', config.firewallTable], { allowFail: true });
      await unmountBelow(root);
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

/** Unmounts everything under `dir`, deepest first. */
export async function unmountBelow(dir: string): Promise<void> {
  const points = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((l) => l.split(' ')[4]!).filter((p) => p === dir || p.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await run('umount', ['-l', p], { allowFail: true });
}

export async function nsRun(netnsPath: string, args: string[]) {
  return run('nsenter', [`--net=${netnsPath}`, ...args], { allowFail: true });
}

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

export function mountedAt(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path);
}

export const containerId = (n: number) => n.toString(16).padStart(4, '0').repeat(16);
