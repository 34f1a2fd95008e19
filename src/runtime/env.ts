// Environment lists as Docker merges them (container.ReplaceOrAppendEnvValues): an override replaces a
// default with the same key in place, a bare `KEY` (no `=`) removes it, anything else is appended.

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const keyOf = (kv: string) => {
  const i = kv.indexOf('=');
  return i < 0 ? kv : kv.slice(0, i);
};

export function replaceOrAppendEnv(defaults: string[], overrides: string[]): string[] {
  const out = [...defaults];
  for (const kv of overrides) {
    const key = keyOf(kv);
    const at = out.findIndex((d) => keyOf(d) === key);
    if (!kv.includes('=')) {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = kv;
    else out.push(kv);
  }
  return out;
}

/** Docker's CreateDaemonEnvironment: PATH, HOSTNAME, TERM (with a TTY), then the container's own env. */
export function daemonEnv(hostname: string, tty: boolean, env: string[]): string[] {
  const base = ['PATH=' + DEFAULT_PATH, 'HOSTNAME=' + hostname];
  if (tty) base.push('TERM=xterm');
  return replaceOrAppendEnv(base, env);
}
