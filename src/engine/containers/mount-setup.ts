// Start-time mount preparation: mount volumes (releasing them is the caller's undo), copy image content into
// empty volumes, create missing `-v` bind sources, and turn everything into OCI mounts for the spec builder.
import { promises as fs, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from '../../lib/exec-file.js';
import { EngineError, errorMessage } from '../../lib/errors.js';
import type { SpecInput } from '../../runtime/types.js';
import type { VolumeService } from '../volumes/service.js';
import { mountedPaths } from '../volumes/local-driver.js';
import { mountSubpath } from '../volumes/subpath.js';
import type { ContainerRecord } from './model.js';
import { mergeTmpfsOptions, registerMountPoints, type MountPoint } from './mounts.js';

type OciMount = SpecInput['mounts'][number];

/** Mounts for the spec, in mount-point order (the builder sorts by depth), plus HostConfig.Tmpfs and IPC /dev/shm. */
export async function prepareMounts(
  c: ContainerRecord, rootfs: string, volumes: VolumeService, lookup: { find(ref: string): ContainerRecord; dir(id: string): string },
  /** --userns-remap: host IDs of the container's root, who owns what the daemon creates for it (as dockerd). */
  rootOwner?: { uid: number; gid: number },
): Promise<OciMount[]> {
  const containerId = c.id;
  const mps = c.mountPoints ?? [];
  const tmpfs = c.hostConfig.Tmpfs as Record<string, string> | null | undefined;
  const out: OciMount[] = [];
  for (const [i, m] of mps.entries()) {
    if (m.Type === 'volume') {
      const path = await volumes.mount(m.Name!, containerId);
      m.Source = path;
      let source = path;
      if (m.Subpath) {
        // Checked at every start: the volume's content may have changed since create (see volumes/subpath.ts).
        source = volumes.subpathMountPoint(containerId, i);
        volumes.track(containerId, await mountSubpath(path, m.Subpath, source));
      }
      if (m.CopyData && await isEmptyDir(source)) await copyUp(rootfs, m.Destination, source);
      volumes.publishMount(m.Name!, containerId, { destination: m.Destination, rw: m.RW, propagation: m.Propagation });
      out.push({ destination: m.Destination, source, type: 'bind', options: ['rbind', m.RW ? 'rw' : 'ro'], ...readOnlyRecursion(m) });
    } else if (m.Type === 'bind') {
      if (m.CreateSource) {
        try { await fs.stat(m.Source); } catch { await mkdirOwned(m.Source, rootOwner); }
      }
      const opts = [m.NonRecursive ? 'bind' : 'rbind', m.Propagation || 'rprivate', m.RW ? 'rw' : 'ro'];
      out.push({ destination: m.Destination, source: m.Source, type: 'bind', options: opts, ...readOnlyRecursion(m) });
    } else {
      out.push(tmpfsMount(m.Destination, [m.TmpfsData ?? '', m.RW ? '' : 'ro'].filter(Boolean).join(',')));
    }
  }
  for (const [dest, data] of Object.entries(tmpfs ?? {})) out.push(tmpfsMount(dest, data));
  // Docker's shareable IPC: /dev/shm is a tmpfs the daemon mounts on the host, so joiners can bind the same one.
  const ipc = (c.hostConfig.IpcMode as string) || 'private';
  if (!out.some((m) => m.destination === '/dev/shm')) {
    if (ipc === 'shareable') {
      const shm = join(lookup.dir(c.id), 'mounts', 'shm');
      await fs.mkdir(shm, { recursive: true, mode: 0o700 });
      if (!mountedPaths().has(shm)) {
        const size = (c.hostConfig.ShmSize as number) || 64 * 1024 * 1024;
        await run('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,mode=1777,size=${size}`, 'shm', shm]);
        if (rootOwner) await fs.chown(shm, rootOwner.uid, rootOwner.gid);
      }
      volumes.track(containerId, async () => { if (mountedPaths().has(shm)) await run('umount', ['-l', shm]); });
      out.push({ destination: '/dev/shm', source: shm, type: 'bind', options: ['rbind', 'rprivate'] });
    } else if (ipc.startsWith('container:')) {
      const donor = lookup.find(ipc.slice('container:'.length));
      const shm = join(lookup.dir(donor.id), 'mounts', 'shm');
      if (mountedPaths().has(shm)) out.push({ destination: '/dev/shm', source: shm, type: 'bind', options: ['rbind', 'rprivate'] });
    }
  }
  return out;
}

/**
 * Docker ≥ 25 (API 1.44): a read-only bind or volume is read-only recursively (submounts too) where kernel and
 * runtime allow it, silently plain `ro` elsewhere; `bind-recursive=readonly` demands it, `=writable` opts out.
 */
function readOnlyRecursion(m: MountPoint): Pick<OciMount, 'recursiveReadOnly'> {
  if (m.RW || m.ReadOnlyNonRecursive) return {};
  return { recursiveReadOnly: m.ReadOnlyForceRecursive ? 'force' : 'if-possible' };
}

/** mkdir -p; with `owner`, the directories it made (not existing parents) belong to it (MkdirAllAndChownNew). */
async function mkdirOwned(path: string, owner: { uid: number; gid: number } | undefined): Promise<void> {
  const first = await fs.mkdir(path, { recursive: true, mode: 0o755 });
  if (!owner || !first) return;
  for (let p = path; ; p = dirname(p)) {
    await fs.chown(p, owner.uid, owner.gid);
    if (p === first || p === dirname(p)) break;
  }
}

async function isEmptyDir(p: string): Promise<boolean> {
  const entries = await fs.readdir(p).catch(() => undefined);
  return entries !== undefined && entries.length === 0;
}

export function tmpfsMount(destination: string, data: string): OciMount {
  const options = mergeTmpfsOptions(['noexec', 'nosuid', 'nodev', ...data.split(',').filter(Boolean)]);
  return { destination, source: 'tmpfs', type: 'tmpfs', options };
}

/**
 * Docker's copy-up: an empty volume mounted over a directory of the image gets that directory's content,
 * with owners, modes, symlinks and xattrs (cp -a). A symlink that leaves the rootfs is never followed.
 */
export async function copyUp(rootfs: string, dest: string, volumePath: string): Promise<void> {
  const src = join(rootfs, dest);
  let real: string;
  try { real = realpathSync(src); } catch { return; } // nothing there in the image
  const root = realpathSync(rootfs);
  if (real !== root && !real.startsWith(root + '/')) return;
  const st = await fs.stat(real);
  if (!st.isDirectory()) return;
  try {
    await run('cp', ['-a', '--no-target-directory', real + '/.', volumePath]);
  } catch (e) {
    throw new EngineError('internal', `failed to copy image content into volume: ${errorMessage(e)}`);
  }
  await fs.chown(volumePath, st.uid, st.gid);
  await fs.chmod(volumePath, st.mode & 0o7777);
}

/**
 * Create-time: parse and validate every mount (nothing is created if any is bad), then create the named and
 * anonymous volumes they need. Returns the mount points and an undo that removes volumes this call created.
 */
export async function createMountPoints(
  hc: Record<string, unknown>, imageVolumes: Record<string, object> | null | undefined,
  ctx: { mountsOf(ref: string): MountPoint[] }, volumes: VolumeService,
): Promise<{ mountPoints: MountPoint[]; undo: () => Promise<void> }> {
  const { existsSync } = await import('node:fs');
  const mps = registerMountPoints(hc, imageVolumes, { mountsOf: ctx.mountsOf, exists: (p) => existsSync(p) });
  for (const m of mps) {
    if (m.Type !== 'volume') continue;
    if (m.Driver && m.Driver !== 'local') throw new EngineError('not-found', `error looking up volume plugin ${m.Driver}: plugin "${m.Driver}" not found`);
    if (m.Name) {
      const { validateVolumeName } = await import('../volumes/names.js');
      try { validateVolumeName(m.Name); } catch (e) { throw new EngineError('invalid', `create ${m.Name}: ${errorMessage(e)}`); }
    }
  }
  const created: string[] = [];
  const undo = async () => { for (const n of created) await volumes.remove(n).catch(() => undefined); };
  try {
    for (const m of mps) {
      if (m.Type !== 'volume') continue;
      if (m.Name && volumes.find(m.Name)) { m.Source = volumes.path(volumes.get(m.Name)); continue; }
      const v = await volumes.create({ name: m.Name, labels: m.VolumeOptions?.Labels, driverOpts: m.VolumeOptions?.DriverOpts, anonymous: !m.Name });
      created.push(v.name);
      m.Name = v.name;
      m.Source = volumes.path(v);
      delete m.VolumeOptions;
    }
  } catch (e) {
    await undo();
    throw e;
  }
  return { mountPoints: mps, undo };
}

/** `rm -v`: the container's anonymous volumes go too; named ones and ones still used elsewhere stay. */
export async function removeAnonymousVolumes(mps: MountPoint[] | undefined, volumes: VolumeService, warn: (msg: string, f: Record<string, unknown>) => void): Promise<void> {
  for (const m of mps ?? []) {
    if (m.Type !== 'volume' || !m.Anonymous || !m.Name || !volumes.find(m.Name)) continue;
    await volumes.remove(m.Name).catch((e) => warn('anonymous volume kept', { name: m.Name, err: errorMessage(e) }));
  }
}
