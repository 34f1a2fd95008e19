// --userns-remap: a container's network namespace made inside a user namespace of its own, so that the
// container's userns owns its netns as it does under dockerd (where runc creates both). That is what lets
// runc < 1.2.1 `exec` into the container (it joins the userns first, then the netns: runc#4390), lets runc
// write the netns's net.* sysctls and mount sysfs, and gives container root CAP_NET_RAW/NET_ADMIN over it.
// The userns is pinned like the netns (an nsfs bind mount) at <netns dir>/.userns/<id>: inside the netns
// directory's private mount, skipped by listNetns (dot name), and the container's spec joins it by path.
// A container sharing another's ipc/pid namespace joins that container's user namespace instead (dockerd does
// the same), and its netns is made inside that one.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { resolveCommand, run } from '../lib/exec-file.js';
import type { IdMapping } from '../lib/subid.js';
import type { IpTools } from './ip-cmd.js';

/**
 * A new user namespace with these mappings, pinned at `path` (the sandbox's own, removed with it), or an
 * existing one to `join` (another container's, for --ipc/--pid container:, as dockerd shares the donor's).
 */
export type UsernsOwner = { path: string; uidMaps: IdMapping[]; gidMaps: IdMapping[] } | { join: string };

export const usernsDirOf = (netnsDir: string) => join(netnsDir, '.userns');
export const usernsPathFor = (netnsDir: string, containerId: string) => join(usernsDirOf(netnsDir), containerId);

/** sh's part: say it runs (the namespaces exist by then), then wait until the daemon closes its stdin. */
const WAIT = 'echo; read x; exit 0';

const mapText = (maps: IdMapping[]) => maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');

/**
 * Creates the user namespace (pinned at owner.path) and, inside it, the network namespace (pinned at
 * netnsPath); the caller has created both files. One process chain: `unshare --user --net --mount sh`.
 *  - `--mount` (a throwaway mount namespace, gone with sh) makes util-linux bind the namespace files from a
 *    forked child that stays in the host's namespaces; without it unshare binds them itself after entering
 *    the new user namespace, where it has no rights over the host's mounts (EPERM).
 *  - The mappings are written by the daemon (real root may write any mapping). `unshare --map-users` would
 *    go through newuidmap, which checks /etc/subuid for the caller (root has no ranges there) and refuses.
 *    sh prints a line once it runs (the namespaces exist and are pinned by then), waits for the daemon to
 *    write /proc/<pid>/{uid,gid}_map, and exits when its stdin closes.
 * The caller configures the netns afterwards from the host's user namespace (nsenter --net), where it may
 * also move links between the host and the namespace.
 */
export async function createOwnedNetns(tools: IpTools, owner: UsernsOwner, netnsPath: string): Promise<void> {
  if ('join' in owner) return createNetnsInUserns(tools, owner.join, netnsPath);
  const args = [`--user=${owner.path}`, `--net=${netnsPath}`, '--mount', '--', resolveCommand(tools.sh), '-c', WAIT];
  await withWaitingChild(tools.unshare, args, (pid) => Promise.all([
    fs.writeFile(`/proc/${pid}/uid_map`, mapText(owner.uidMaps)),
    fs.writeFile(`/proc/${pid}/gid_map`, mapText(owner.gidMaps)),
  ]));
}

/**
 * A netns owned by an existing user namespace: `nsenter --user=<u> unshare --net sh` (root in that userns may
 * create it), bound at netnsPath by the daemon from the host's namespaces (inside, the bind would be refused).
 */
async function createNetnsInUserns(tools: IpTools, usernsPath: string, netnsPath: string): Promise<void> {
  const args = [`--user=${usernsPath}`, '--', resolveCommand(tools.unshare), '--net', '--', resolveCommand(tools.sh), '-c', WAIT];
  await withWaitingChild(tools.nsenter, args, (pid) => run(tools.mount, ['--bind', `/proc/${pid}/ns/net`, netnsPath]));
}

/** Runs `cmd`, calls `step` with its pid once it has printed a line, then ends its stdin and waits for it. */
function withWaitingChild(cmd: string, args: string[], step: (pid: number) => Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(resolveCommand(cmd), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const err: Buffer[] = [];
    let stepError: unknown;
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined); // EPIPE when the chain failed early: 'close' reports it
    child.stdout.once('data', () => {
      step(child.pid!).catch((e) => { stepError = e; }).finally(() => child.stdin.end());
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (stepError) reject(stepError);
      else if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${Buffer.concat(err).toString().trim()}`));
      else resolve();
    });
  });
}
