// Named network namespaces under <execRoot>/netns/<containerId>: an nsfs bind mount keeps the namespace alive
// without a process and gives runc a path to join. Not /run/netns, so daemons can run side by side.
import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/exec-file.js';
import type { IpTools } from './ip-cmd.js';

interface MountEntry { mountPoint: string; shared: boolean }

// mountinfo escapes space, tab, newline and backslash in octal.
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function readMounts(): MountEntry[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((line) => {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    return { mountPoint: unescape(f[4]!), shared: f.slice(6, sep).some((o) => o.startsWith('shared:')) };
  });
}

/**
 * Makes `dir` a mount point with private propagation. Binding an nsfs file below a shared mount fails with
 * EINVAL when a peer lives in another mount namespace (systemd hosts make `/` shared), and a shared mount would
 * also copy our namespace mounts into containers. `ip netns` does the same for /run/netns.
 */
export async function prepareNetnsDir(tools: IpTools, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const mine = readMounts().filter((m) => m.mountPoint === dir);
  if (mine.length === 0) {
    await run(tools.mount, ['--bind', '--make-private', dir, dir]);
  } else if (mine[mine.length - 1]!.shared) {
    await run(tools.mount, ['--make-private', dir]);
  }
}

export function netnsPathFor(dir: string, containerId: string): string {
  return join(dir, containerId);
}

export function isMounted(path: string): boolean {
  return readMounts().some((m) => m.mountPoint === path);
}

/**
 * Creates the namespace at `path` and runs `ip -batch` inside it, in one process chain (unshare binds the
 * namespace, then execs ip): the whole in-namespace setup costs one spawn.
 */
export async function createNetnsWithBatch(tools: IpTools, path: string, commands: string[]): Promise<void> {
  try {
    await (await fs.open(path, 'wx', 0o444)).close();
  } catch (e) {
    // A bare file left by a crash between create and bind is harmless; a bound one is somebody's namespace.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || isMounted(path)) throw e;
  }
  await run(tools.unshare, [`--net=${path}`, tools.ip, '-batch', '-'], { input: commands.join('\n') + '\n' });
}

/** Unmounts and removes a namespace file. Idempotent; the namespace itself dies with its last user. */
export async function removeNetns(tools: IpTools, path: string): Promise<void> {
  // A namespace may be bound more than once after a crash in the middle of a retry; peel every layer.
  for (let i = 0; i < 4 && isMounted(path); i++) {
    const r = await run(tools.umount, [path], { allowFail: true });
    if (r.code !== 0 && isMounted(path)) throw new Error(`umount ${path}: ${r.stderr.trim()}`);
  }
  await fs.rm(path, { force: true });
}

export async function listNetns(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
