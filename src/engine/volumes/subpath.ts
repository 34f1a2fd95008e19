// `--mount type=volume,volume-subpath=…`: mount a path inside a volume without ever leaving it. The volume's
// content belongs to containers, so every component may be a hostile symlink or be swapped while we look.
// We walk the path one component at a time from file descriptors we hold (O_PATH|O_NOFOLLOW through
// /proc/self/fd/N/<name>, i.e. openat without following the last link), resolve symlinks ourselves against
// the volume root, and finally bind-mount the descriptor we hold (not a path) onto a private mount point that
// runc then binds into the container. A swap after the walk changes nothing: the mount is of what we checked.
import { closeSync, constants, fstatSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import { join, posix } from 'node:path';
import { run } from '../../lib/exec-file.js';
import { EngineError, invalid, notFound } from '../../lib/errors.js';
import { mountedPaths } from './local-driver.js';

const O_PATH = 0o10000000; // not in node's fs.constants
const MAX_LINKS = 40;      // the kernel's MAXSYMLINKS: ELOOP beyond

/** dockerd's safepath.ErrEscapesBase (400). */
const escapes = (base: string, subpath: string) =>
  invalid(`path concatenation escapes the base directory, base: ${base}, subpath: ${subpath}`);

/** dockerd's safepath.ErrNotAccessible around Go's lstat error (404). */
const notAccessible = (combined: string, at: string, why: string) => notFound(`cannot access path ${combined}: lstat ${at}: ${why}`);

const errnoText: Record<string, string> = {
  ENOENT: 'no such file or directory', ENOTDIR: 'not a directory', ELOOP: 'too many levels of symbolic links', EACCES: 'permission denied',
};

interface Step { fd: number; path: string }

/**
 * Opens `subpath` beneath `base` (the volume's _data) and returns an O_PATH descriptor of the final object.
 * Symlinks resolve as on the host (like dockerd's EvalSymlinks), but any step that would leave `base` is refused.
 */
export function openBeneath(base: string, subpath: string): { fd: number; resolved: string; isDir: boolean } {
  const root = realpathSync(base);
  const combined = posix.join(root, subpath);
  const stack: Step[] = [{ fd: openSync(root, O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW), path: root }];
  const closeAll = () => { for (const s of stack) closeSync(s.fd); stack.length = 0; };
  const parts = (p: string) => p.split('/').filter((c) => c !== '' && c !== '.');
  const queue = parts(subpath);
  let links = 0;
  try {
    while (queue.length) {
      const name = queue.shift()!;
      const top = stack[stack.length - 1]!;
      if (name === '..') {
        if (stack.length === 1) throw escapes(root, subpath);
        closeSync(stack.pop()!.fd);
        continue;
      }
      const here = `${top.path}/${name}`;
      let fd: number;
      try {
        fd = openSync(`/proc/self/fd/${top.fd}/${name}`, O_PATH | constants.O_NOFOLLOW);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        throw notAccessible(combined, here, errnoText[code] ?? code);
      }
      const st = fstatSync(fd);
      if (st.isSymbolicLink()) {
        closeSync(fd);
        if (++links > MAX_LINKS) throw notAccessible(combined, here, errnoText.ELOOP!);
        let target: string;
        try { target = readlinkSync(`/proc/self/fd/${top.fd}/${name}`); } catch { throw notAccessible(combined, here, 'changed while resolving'); }
        if (target.startsWith('/')) {
          // An absolute link is only acceptable when it points back into the volume itself.
          const t = posix.normalize(target);
          if (t !== root && !t.startsWith(root + '/')) throw escapes(root, subpath);
          while (stack.length > 1) closeSync(stack.pop()!.fd);
          queue.unshift(...parts(t.slice(root.length)));
        } else {
          queue.unshift(...parts(target));
        }
        continue;
      }
      if (queue.length && !st.isDirectory()) {
        closeSync(fd);
        throw notAccessible(combined, `${here}/${queue[0]}`, errnoText.ENOTDIR!);
      }
      stack.push({ fd, path: here });
    }
    const last = stack.pop()!;
    closeAll();
    return { fd: last.fd, resolved: last.path, isDir: fstatSync(last.fd).isDirectory() };
  } catch (e) {
    closeAll();
    throw e;
  }
}

/**
 * Binds the checked subpath onto `mountPoint` (created as a directory or an empty file to match) and returns an
 * undo that unmounts and removes it. mount(8) gets the held descriptor through /proc/<pid>/fd/<n>; with
 * --no-canonicalize it does not turn that back into a path, so the kernel binds exactly the object we checked.
 */
export async function mountSubpath(volumePath: string, subpath: string, mountPoint: string): Promise<() => Promise<void>> {
  const { fd, isDir } = openBeneath(volumePath, subpath);
  try {
    await removeMountPoint(mountPoint); // a leftover of a daemon that died with the container running
    // o+x like the volumes directory: under --userns-remap runc may open the source as the remapped root.
    if (isDir) await fs.mkdir(mountPoint, { recursive: true, mode: 0o711 });
    else {
      await fs.mkdir(posix.dirname(mountPoint), { recursive: true, mode: 0o711 });
      await fs.writeFile(mountPoint, '', { mode: 0o600 });
    }
    try {
      await run('mount', ['--no-canonicalize', '--bind', `/proc/${process.pid}/fd/${fd}`, mountPoint]);
    } catch (e) {
      await removeMountPoint(mountPoint);
      throw new EngineError('internal', `failed to mount resolved path: ${(e as Error).message}`);
    }
  } finally {
    closeSync(fd);
  }
  return () => removeMountPoint(mountPoint);
}

/** Unmounts and removes one mount point, then its (container's) directory if that is now empty. Never recursive. */
async function removeMountPoint(p: string): Promise<void> {
  if (mountedPaths().has(p)) await run('umount', ['-l', p]).catch(() => undefined);
  const st = await fs.lstat(p).catch(() => undefined);
  if (st?.isDirectory()) await fs.rmdir(p).catch(() => undefined);
  else if (st) await fs.unlink(p).catch(() => undefined);
  await fs.rmdir(posix.dirname(p)).catch(() => undefined);
}

/** Every subpath mount under `root` (<volumes>/.subpath/<container>/<n>), at daemon start. */
export async function removeSubpathMounts(root: string): Promise<void> {
  for (const m of [...mountedPaths()].filter((p) => p.startsWith(root + '/')).sort().reverse()) {
    await run('umount', ['-l', m]).catch(() => undefined);
  }
  for (const ctr of await fs.readdir(root).catch(() => [] as string[])) {
    for (const n of await fs.readdir(join(root, ctr)).catch(() => [] as string[])) await removeMountPoint(join(root, ctr, n));
    await fs.rmdir(join(root, ctr)).catch(() => undefined);
  }
}
