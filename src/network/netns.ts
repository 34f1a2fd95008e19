// Named network namespaces under <execRoot>/netns/<containerId>: an nsfs bind mount keeps the namespace alive
// without a process and gives runc a path to join. Not /run/netns, so daemons can run side by side.
import { promises as fs, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveCommand, run } from '../lib/exec-file.js';
import type { IpTools } from './ip-cmd.js';
import { createOwnedNetns, type UsernsOwner } from './userns-owner.js';

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

/** A shell script run inside the namespace after the `ip` batch; it sees `args` as $1, $2, … */
export interface NetnsStep { script: string; args: string[] }

/**
 * Creates the namespace at `path` and runs `ip -batch` inside it, in one process chain (unshare binds the
 * namespace, then execs ip): the whole in-namespace setup costs one spawn. With `then` the chain goes through
 * `sh` so that step (e.g. the embedded DNS redirect, dns-redirect.ts) needs no process chain of its own.
 */
export async function createNetnsWithBatch(tools: IpTools, path: string, commands: string[], then?: NetnsStep, owner?: UsernsOwner): Promise<void> {
  await claimNsFile(path);
  const inNs = then ? [tools.sh, '-c', `"$0" -batch - && ${then.script}`, resolveCommand(tools.ip), ...then.args] : [tools.ip, '-batch', '-'];
  const input = commands.join('\n') + '\n';
  if (!owner) {
    await run(tools.unshare, [`--net=${path}`, ...inNs], { input });
    return;
  }
  // --userns-remap: the namespace belongs to the container's user namespace (userns-owner.ts); it is then
  // configured from the host's user namespace, so the batch may still send a veth end to the daemon's netns.
  if ('path' in owner) {
    await fs.mkdir(dirname(owner.path), { recursive: true, mode: 0o755 });
    await claimNsFile(owner.path);
  }
  await createOwnedNetns(tools, owner, path);
  await run(tools.nsenter, [`--net=${path}`, ...inNs], { input });
}

/** Creates the file a namespace gets bound on. */
async function claimNsFile(path: string): Promise<void> {
  try {
    await (await fs.open(path, 'wx', 0o444)).close();
  } catch (e) {
    // A bare file left by a crash between create and bind is harmless; a bound one is somebody's namespace.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || isMounted(path)) throw e;
  }
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
