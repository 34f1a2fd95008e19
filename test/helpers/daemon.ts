// Starts a real berthd on temporary roots, socket, bridge, subnet and firewall table, so suites run side by side.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, existsSync, readFileSync, readdirSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import http from 'node:http';

export const REPO = resolve(new URL('.', import.meta.url).pathname, '../../..');
const DAEMON = join(REPO, 'dist/src/daemon/main.js');
// The bundled CLI, as installed by the quick start.
export const BERTH = join(REPO, 'dist/berth.mjs');

let counter = 0;

export interface TestDaemon {
  root: string;
  socket: string;
  host: string;
  dataRoot: string;
  execRoot: string;
  bridge: string;
  table: string;
  subnet: string;
  cgroupParent: string;
  args: string[];
  proc?: ChildProcess;
  logFile: string;
  start(extra?: string[]): Promise<void>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  /** Stops the daemon, removes everything it made, and checks nothing leaked. */
  destroy(): Promise<void>;
  docker(args: string[], opts?: { input?: string | Buffer; timeout?: number; env?: NodeJS.ProcessEnv }): DockerResult;
  berth(args: string[], opts?: { input?: string | Buffer; timeout?: number }): DockerResult;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: string; json: () => any; headers: http.IncomingHttpHeaders }>;
}

export interface DockerResult { code: number; stdout: string; stderr: string }

export function uniqueSuffix(): string {
  counter++;
  return `${process.pid % 10000}${counter}`;
}

export async function startDaemon(opts: { extraArgs?: string[]; importBusybox?: boolean; rootMode?: number } = {}): Promise<TestDaemon> {
  const sfx = uniqueSuffix();
  const root = mkdtempSync(join(tmpdir(), 'berth-it-'));
  // e.g. 0o711 for --userns-remap: the remapped root must be able to reach the data-root (dockerd checks o+x).
  if (opts.rootMode !== undefined) chmodSync(root, opts.rootMode);
  const octet = 100 + ((process.pid + counter * 7) % 150);
  const d: TestDaemon = {
    root,
    socket: join(root, 'berth.sock'),
    host: 'unix://' + join(root, 'berth.sock'),
    dataRoot: join(root, 'data'),
    execRoot: join(root, 'exec'),
    bridge: `bt${sfx}`.slice(0, 15),
    table: `berth_t${sfx}`,
    subnet: `172.30.${octet}.1/24`,
    cgroupParent: `berth-test-${sfx}`,
    args: [],
    logFile: join(root, 'berthd.log'),
    async start(extra: string[] = []) {
      d.args = ['--data-root', d.dataRoot, '--exec-root', d.execRoot, '-H', d.host, '--pidfile', join(root, 'berthd.pid'),
        '--bridge', d.bridge, '--bip', d.subnet, '--firewall-table', d.table, '--cgroup-parent', d.cgroupParent,
        '--log-level', 'debug', ...(opts.extraArgs ?? []), ...extra];
      const fd = openSync(d.logFile, 'a');
      d.proc = spawn(process.execPath, [DAEMON, ...d.args], { stdio: ['ignore', fd, fd], detached: false });
      closeSync(fd);
      await waitFor(async () => (await d.api('GET', '/_ping').catch(() => undefined))?.status === 200, 20_000, () => `berthd did not come up:\n${readFileSync(d.logFile, 'utf8').slice(-3000)}`);
    },
    async stop() {
      if (!d.proc || d.proc.exitCode !== null) return;
      const exited = new Promise((r) => d.proc!.once('exit', r));
      d.proc.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000)]);
      if (d.proc.exitCode === null) d.proc.kill('SIGKILL');
    },
    async kill9() {
      if (!d.proc || d.proc.exitCode !== null) return;
      const exited = new Promise((r) => d.proc!.once('exit', r));
      d.proc.kill('SIGKILL');
      await exited;
    },
    async destroy() {
      if (d.proc && d.proc.exitCode === null) {
        // Remove containers first so a live-restore daemon leaves nothing running, then user-defined networks,
        // whose bridges would otherwise outlive the data-root that records them.
        const ids = d.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
        if (ids.length) d.docker(['rm', '-f', ...ids], { timeout: 60_000 });
        const nets = d.docker(['network', 'ls', '-q', '--filter', 'type=custom']).stdout.split('\n').filter(Boolean);
        if (nets.length) d.docker(['network', 'rm', ...nets]);
        await d.stop();
      }
      const leaks = findLeaks(d);
      cleanupLeftovers(d);
      rmSync(root, { recursive: true, force: true });
      if (leaks.length) throw new Error(`berthd left behind after a clean stop:\n${leaks.join('\n')}`);
    },
    docker(args, o = {}) {
      const r = spawnSync('docker', args, { input: o.input, timeout: o.timeout ?? 60_000, env: { ...process.env, DOCKER_HOST: d.host, ...o.env }, encoding: 'buffer' });
      return { code: r.status ?? -1, stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '' };
    },
    berth(args, o = {}) {
      const r = spawnSync(process.execPath, [BERTH, ...args], { input: o.input, timeout: o.timeout ?? 60_000, env: { ...process.env, DOCKER_HOST: d.host }, encoding: 'buffer' });
      return { code: r.status ?? -1, stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '' };
    },
    api(method, path, body) {
      return new Promise((resolvePromise, reject) => {
        const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
        const req = http.request({ socketPath: d.socket, path, method, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {} }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            resolvePromise({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text), headers: res.headers });
          });
        });
        req.on('error', reject);
        req.end(payload);
      });
    },
  };
  await d.start();
  if (opts.importBusybox !== false) await importBusybox(d);
  return d;
}

let busyboxTar: string | undefined;
export function busyboxTarball(): string {
  if (busyboxTar && existsSync(busyboxTar)) return busyboxTar;
  const p = join(tmpdir(), `berth-busybox-${process.pid}.tar`);
  const r = spawnSync('sh', [join(REPO, 'scripts/make-busybox-rootfs.sh'), p], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-busybox-rootfs failed: ${r.stderr}`);
  busyboxTar = p;
  process.once('exit', () => rmSync(p, { force: true }));
  return p;
}

export async function importBusybox(d: TestDaemon): Promise<void> {
  const r = d.docker(['import', busyboxTarball(), 'busybox:latest']);
  if (r.code !== 0) throw new Error(`import busybox failed: ${r.stderr}`);
}

/** What a clean stop must not leave: container mounts, monitors, runc state, veths on our bridge. */
function findLeaks(d: TestDaemon): string[] {
  const leaks: string[] = [];
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const m = line.split(' ')[1];
    // The private mount of the netns directory itself is the network layer's, not a container's.
    if (m && m.startsWith(d.root) && !m.endsWith('/exec/netns')) leaks.push(`mount ${m}`);
  }
  const ps = spawnSync('pgrep', ['-af', 'conmon'], { encoding: 'utf8' }).stdout;
  for (const l of ps.split('\n')) if (l.includes(d.root)) leaks.push(`process ${l.slice(0, 120)}`);
  const runc = join(d.execRoot, 'runc');
  if (existsSync(runc)) for (const id of readdirSync(runc)) leaks.push(`runc state ${id}`);
  return leaks;
}

/** Removes whatever a crashed test left: mounts under the root, the bridge, the nft table, runc state. */
function cleanupLeftovers(d: TestDaemon): void {
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m && m.startsWith(d.root));
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  spawnSync('ip', ['link', 'del', d.bridge]);
  spawnSync('nft', ['delete', 'table', 'inet', d.table]);
  spawnSync('nft', ['delete', 'table', 'inet', `${d.table}_user`]); // the user chain's table (DOCKER-USER)
  spawnSync('nft', ['delete', 'table', 'ip', d.table]);
  // runc removes each container's cgroup, not the (then empty) parent this daemon was given.
  for (const ctrl of readdirSync('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', ctrl, d.cgroupParent);
    if (existsSync(dir)) spawnSync('rmdir', [dir]);
  }
}

export async function waitFor(pred: () => Promise<boolean> | boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > end) throw new Error(typeof what === 'string' ? `timed out: ${what}` : what());
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
