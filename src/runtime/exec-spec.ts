// The process spec for `runc exec`, derived like moby's daemon/exec.go: start from the container's own
// process (capabilities, rlimits, no-new-privileges) and replace argv, env, cwd, user and terminal.
import type { ExecSpecInput, HostInfo } from './types.js';
import { replaceOrAppendEnv } from './env.js';
import { readImageUsers, resolveUser } from './user.js';

interface OciProcess {
  terminal?: boolean;
  user?: { uid: number; gid: number; additionalGids?: number[] };
  args?: string[];
  env?: string[];
  cwd?: string;
  capabilities?: Record<string, string[]>;
  [k: string]: unknown;
}

export function buildExecProcess(containerSpec: { process?: OciProcess; root?: { path?: string } }, input: ExecSpecInput, host: HostInfo): object {
  const base: OciProcess = structuredClone(containerSpec.process ?? {});
  let env = base.env ?? [];
  // TERM=xterm is the one variable Docker derives from the TTY flag; it follows the exec's flag.
  const hasTerm = env.some((e) => e.startsWith('TERM='));
  if (input.tty && !hasTerm) env = [...env, 'TERM=xterm'];
  if (!input.tty && base.terminal) env = env.filter((e) => e !== 'TERM=xterm');
  env = replaceOrAppendEnv(env, input.env);

  let user = base.user ?? { uid: 0, gid: 0 };
  if (input.user) {
    const { passwd, group } = readImageUsers(containerSpec.root?.path ?? '/nonexistent');
    const u = resolveUser(input.user, passwd, group);
    user = { uid: u.uid, gid: u.gid, additionalGids: [u.gid, ...u.additionalGids] };
  }
  const proc: OciProcess = {
    ...base,
    terminal: input.tty,
    user,
    args: input.args,
    env,
    cwd: input.workingDir || base.cwd || '/',
  };
  if (input.privileged) {
    const all = [...host.capBounding];
    proc.capabilities = { bounding: all, effective: all, permitted: all };
  }
  // Exec'd processes keep the container's oom_score_adj (runc applies it per container, not per exec).
  delete proc.oomScoreAdj;
  return proc;
}
