// What every side-by-side benchmark needs from Docker: dockerd started the way the shared anchor runs it
// (--iptables=false --ip-masq=false: its FORWARD policy DROP would break every other engine on this host),
// unless one already answers on its usual socket; and a median.
import { spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOCKER_HOST = 'unix:///var/run/docker.sock';
export const CLIENT = process.env.CLIENT ?? '/usr/local/bin/docker';

export const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const answers = () => spawnSync(CLIENT, ['version'], { env: { ...process.env, DOCKER_HOST }, stdio: 'ignore' }).status === 0;

/**
 * Returns { up, started, restart(how), stop() }. `started`: this script started dockerd (only then does
 * restart() or stop() touch it). docker0 defaults to 172.17.0.1/16 whatever the host routes; when another
 * engine's bridge is there (berthd on its defaults, say) it would take docker0's traffic, so Docker then gets
 * `bip` instead — at every (re)start.
 */
export async function startDockerAnchor({ extraArgs = [], bip = '172.31.251.1/24' } = {}) {
  const anchor = { up: false, started: false, restart: async () => NaN, stop: async () => {} };
  if (spawnSync('sh', ['-c', 'command -v dockerd']).status !== 0) return anchor;
  if (answers()) return { ...anchor, up: true };
  const taken = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout.split('\n').some((l) => l.startsWith('172.17.0.0/16') && !l.includes('dev docker0'));
  const args = ['--data-root', '/var/lib/docker-anchor', '--iptables=false', '--ip-masq=false', ...(taken ? ['--bip', bip] : []), ...extraArgs];
  const log = openSync(join(tmpdir(), `bench-dockerd-${process.pid}.log`), 'a');
  let proc = spawn('dockerd', args, { stdio: ['ignore', log, log] });
  for (let i = 0; i < 300 && !answers(); i++) await sleep(100);
  const kill = async (signal) => { if (proc.exitCode === null) { const exited = new Promise((r) => proc.once('exit', r)); proc.kill(signal); await exited; } };
  anchor.stop = () => kill('SIGTERM');
  if (!answers()) { await anchor.stop(); return anchor; }
  return {
    up: true, started: true, stop: anchor.stop,
    /** Stops dockerd cleanly or with SIGKILL and starts it again; ms until the API answers. */
    async restart(how) {
      await kill(how === 'clean' ? 'SIGTERM' : 'SIGKILL');
      const t0 = Date.now();
      proc = spawn('dockerd', args, { stdio: ['ignore', log, log] });
      while (!answers()) await sleep(50);
      return Date.now() - t0;
    },
  };
}
