// Direct reads of runc's state directory (<root>/<id>/state.json, exec.fifo) for the hot path.
// `runc start` for a created container only opens exec.fifo, reads the byte runc init writes, and removes the
// fifo; `runc delete` of a stopped container only removes its cgroups and state dir. Doing those here saves
// a Go process start each (~7 ms); anything unusual falls back to the runc binary for its exact behaviour.
import { promises as fs, constants as fsc, readFileSync, open } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

export interface RuncState {
  id: string;
  init_process_pid: number;
  init_process_start: number;
  cgroup_paths?: Record<string, string>;
  config?: { labels?: string[]; rootfs?: string };
}

export async function readRuncState(runcRoot: string, id: string): Promise<RuncState | undefined> {
  try {
    return JSON.parse(await fs.readFile(join(runcRoot, id, 'state.json'), 'utf8')) as RuncState;
  } catch {
    return undefined;
  }
}

export function bundleFromState(st: RuncState | undefined): string | undefined {
  const l = st?.config?.labels?.find((x) => x.startsWith('bundle='));
  return l?.slice('bundle='.length);
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), as runc records it; undefined if gone. */
export function procStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = rest[0];
    if (state === 'Z' || state === 'X') return undefined;
    return Number(rest[19]);
  } catch {
    return undefined;
  }
}

/** The container's init process if it is still the one runc started (guards against pid reuse). */
export function liveInitPid(st: RuncState): number | undefined {
  const start = procStartTime(st.init_process_pid);
  return start !== undefined && start === st.init_process_start ? st.init_process_pid : undefined;
}

export class FifoGone extends Error {}

/**
 * What `runc start` does for a created container: open exec.fifo, wait for runc init's byte, remove the fifo.
 * The fifo is opened read-write and non-blocking so neither the open nor an absent writer can hang a libuv
 * thread; a timer watches the init process in case it died before writing.
 */
export function startViaFifo(runcRoot: string, id: string, initPid: number, timeoutMs = 30_000): Promise<void> {
  const fifo = join(runcRoot, id, 'exec.fifo');
  // A raw fd (not a FileHandle): the socket owns and closes it.
  return openRaw(fifo, fsc.O_RDWR | fsc.O_NONBLOCK).then(
    (fd) => new Promise<void>((resolve, reject) => {
      const sock = new Socket({ fd, readable: true, writable: false });
      let done = false;
      const started = Date.now();
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        sock.destroy();
        if (err) reject(err);
        else fs.unlink(fifo).then(() => resolve(), (e) => (e as NodeJS.ErrnoException).code === 'ENOENT' ? resolve() : reject(e));
      };
      const timer = setInterval(() => {
        if (procStartTime(initPid) === undefined) finish(new Error('container process is already dead'));
        else if (Date.now() - started > timeoutMs) finish(new Error('timed out waiting for the container process to start'));
      }, 100);
      sock.once('data', () => finish());
      sock.once('error', (e) => finish(e));
    }),
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new FifoGone(`exec.fifo of ${id} is gone`);
      throw e;
    },
  );
}

function openRaw(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
}

/** Removes a stopped container's cgroups and runc state dir, as `runc delete` does; false if something is busy. */
export async function deleteStopped(runcRoot: string, id: string, st: RuncState): Promise<boolean> {
  // Each controller's directory is independent; removing them in parallel hides the slow memory cgroup.
  const results = await Promise.all([...new Set(Object.values(st.cgroup_paths ?? {}))].map((p) => fs.rmdir(p).then(
    () => true,
    (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
  )));
  if (results.includes(false)) return false;
  await fs.rm(join(runcRoot, id), { recursive: true, force: true });
  return true;
}
