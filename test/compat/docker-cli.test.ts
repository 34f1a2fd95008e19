// The real docker CLI (28.x) against berthd: each command a Docker user types, checked by its output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, waitFor, sleep, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let work: string;

before(async () => {
  d = await startDaemon();
  work = mkdtempSync(join(tmpdir(), 'berth-cli-'));
});

after(async () => {
  await d?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};

test('version and info talk to berthd', () => {
  const v = ok(d.docker(['version', '--format', '{{.Server.APIVersion}}']), 'version');
  assert.equal(v.trim(), '1.50');
  const info = ok(d.docker(['info', '--format', '{{.Driver}} {{.OSType}}']), 'info');
  assert.equal(info.trim(), 'overlay2 linux');
});

test('run attached prints output and passes the exit code through', () => {
  const r = d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
});

test('run exit codes: 127 for a missing command, 126 for a non-executable one, 125 for a daemon error', () => {
  assert.equal(d.docker(['run', '--rm', 'busybox', 'no-such-binary']).code, 127);
  assert.equal(d.docker(['run', '--rm', 'busybox', '/etc/passwd']).code, 126);
  const bad = d.docker(['run', '--rm', 'no-such-image-here']);
  assert.equal(bad.code, 125);
  assert.equal(d.docker(['ps', '-aq']).stdout.trim(), '', 'failed runs leave no container');
});

test('run -d, ps, logs, exec, top, stop, rm', async () => {
  const id = ok(d.docker(['run', '-d', '--name', 'web', 'busybox', 'sh', '-c', 'i=0; while true; do echo line$i; i=$((i+1)); sleep 0.2; done']), 'run -d').trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const ps = ok(d.docker(['ps']), 'ps');
  assert.match(ps.split('\n')[0], /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
  assert.match(ps, /busybox\s+"sh -c 'i=0; while t…"\s+.*Up .*web/);
  await waitFor(() => d.docker(['logs', 'web']).stdout.includes('line2'), 10_000, 'logs');
  const tail = ok(d.docker(['logs', '--tail', '1', 'web']), 'logs --tail');
  assert.match(tail, /^line\d+\n$/);
  const ex = d.docker(['exec', 'web', 'sh', '-c', 'echo from-exec; exit 4']);
  assert.equal(ex.code, 4);
  assert.equal(ex.stdout, 'from-exec\n');
  const top = ok(d.docker(['top', 'web']), 'top');
  assert.match(top, /UID\s+PID\s+PPID/);
  assert.match(top, /sh -c/);
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Running}}', 'web']), 'inspect').trim(), 'running true');
  ok(d.docker(['stop', '-t', '1', 'web']), 'stop');
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Status}}', 'web']), 'inspect').trim(), 'exited');
  ok(d.docker(['rm', 'web']), 'rm');
  const missing = d.docker(['inspect', 'web']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such object: web/);
});

test('logs -f follows until the container exits', () => {
  ok(d.docker(['run', '-d', '--name', 'follow', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo n$i; sleep 0.3; done']), 'run');
  const r = d.docker(['logs', '-f', 'follow'], { timeout: 20_000 });
  assert.equal(r.stdout, 'n1\nn2\nn3\n');
  ok(d.docker(['rm', 'follow']), 'rm');
});

test('wait, kill, rm -f, rename, pause/unpause', async () => {
  ok(d.docker(['run', '-d', '--name', 'kk', 'busybox', 'sleep', '300']), 'run');
  ok(d.docker(['rename', 'kk', 'k2']), 'rename');
  ok(d.docker(['pause', 'k2']), 'pause');
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Status}}', 'k2']), 'inspect').trim(), 'paused');
  ok(d.docker(['unpause', 'k2']), 'unpause');
  const waiter = spawn('docker', ['wait', 'k2'], { env: { ...process.env, DOCKER_HOST: d.host } });
  let out = '';
  waiter.stdout.on('data', (b) => { out += b; });
  const done = new Promise((r) => waiter.on('exit', r));
  await sleep(300);
  ok(d.docker(['kill', 'k2']), 'kill');
  await done;
  assert.equal(out.trim(), '137');
  ok(d.docker(['rm', '-f', 'k2']), 'rm -f');
  const gone = d.docker(['rm', '-f', 'k2']);
  assert.equal(gone.code, 0, 'rm -f of a missing container exits 0');
  assert.match(gone.stderr, /No such container: k2/);
});

test('attach to a running container', async () => {
  ok(d.docker(['run', '-d', '--name', 'att', 'busybox', 'sh', '-c', 'sleep 1; echo attached-output; sleep 1']), 'run');
  const r = d.docker(['attach', 'att'], { timeout: 20_000 });
  assert.match(r.stdout, /attached-output/);
  ok(d.docker(['rm', '-f', 'att']), 'rm');
});

test('run -it with a real terminal', () => {
  const r = spawnSync('script', ['-qec', 'docker run -it --rm busybox sh -c "echo tty:$(tty); exit 5"', '/dev/null'], {
    env: { ...process.env, DOCKER_HOST: d.host }, encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(r.status, 5, r.stdout + r.stderr);
  assert.match(r.stdout, /tty:\/dev\/pts\/0/);
});

test('exec -it with a real terminal', () => {
  ok(d.docker(['run', '-d', '--name', 'ex', 'busybox', 'sleep', '300']), 'run');
  const r = spawnSync('script', ['-qec', 'printf "echo hello-$((6*7))\\nexit 2\\n" | docker exec -i ex sh', '/dev/null'], {
    env: { ...process.env, DOCKER_HOST: d.host }, encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /hello-42/);
  ok(d.docker(['rm', '-f', 'ex']), 'rm');
});

test('cp both ways, diff, export', () => {
  ok(d.docker(['run', '-d', '--name', 'fs', 'busybox', 'sh', '-c', 'echo hi > /tmp/made.txt; rm /bin/vi; sleep 300']), 'run');
  const host = join(work, 'in.txt');
  writeFileSync(host, 'from host\n');
  ok(d.docker(['cp', host, 'fs:/tmp/in.txt']), 'cp in');
  assert.equal(ok(d.docker(['exec', 'fs', 'cat', '/tmp/in.txt']), 'exec cat'), 'from host\n');
  const out = join(work, 'out.txt');
  ok(d.docker(['cp', 'fs:/tmp/made.txt', out]), 'cp out');
  assert.equal(readFileSync(out, 'utf8'), 'hi\n');
  const diff = ok(d.docker(['diff', 'fs']), 'diff');
  assert.match(diff, /^A \/tmp\/made.txt$/m);
  assert.match(diff, /^D \/bin\/vi$/m);
  assert.match(diff, /^C \/tmp$/m);
  const tar = join(work, 'fs.tar');
  ok(d.docker(['export', '-o', tar, 'fs']), 'export');
  const list = spawnSync('tar', ['-tf', tar], { encoding: 'utf8' }).stdout;
  assert.match(list, /tmp\/made.txt/);
  assert.doesNotMatch(list, /bin\/vi\n/);
  ok(d.docker(['rm', '-f', 'fs']), 'rm');
});

test('stats --no-stream shows a row per container', () => {
  ok(d.docker(['run', '-d', '--name', 'st', 'busybox', 'sleep', '300']), 'run');
  const s = ok(d.docker(['stats', '--no-stream', 'st']), 'stats');
  assert.match(s.split('\n')[0], /CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT/);
  assert.match(s, /st\s+\d+\.\d+%/);
  ok(d.docker(['rm', '-f', 'st']), 'rm');
});

test('events shows container lifecycle', () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  ok(d.docker(['run', '--rm', '--name', 'ev', 'busybox', 'true']), 'run');
  const ev = ok(d.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=ev', '--format', '{{.Action}}']), 'events');
  const actions = ev.trim().split('\n');
  for (const a of ['create', 'attach', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `missing ${a} in ${actions}`);
});

test('images, tag, history, save, load, rmi, import with changes', () => {
  ok(d.docker(['tag', 'busybox', 'mybox:v1']), 'tag');
  const imgs = ok(d.docker(['images']), 'images');
  assert.match(imgs.split('\n')[0], /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
  assert.match(imgs, /^mybox\s+v1\s+[0-9a-f]{12}/m);
  const hist = ok(d.docker(['history', 'mybox:v1']), 'history');
  assert.match(hist, /IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT/);
  const tar = join(work, 'save.tar');
  ok(d.docker(['save', '-o', tar, 'mybox:v1']), 'save');
  assert.ok(statSync(tar).size > 1_000_000);
  ok(d.docker(['rmi', 'mybox:v1']), 'rmi');
  assert.doesNotMatch(ok(d.docker(['images']), 'images'), /mybox/);
  const loaded = ok(d.docker(['load', '-i', tar]), 'load');
  assert.match(loaded, /Loaded image: mybox:v1/);
  assert.equal(ok(d.docker(['run', '--rm', 'mybox:v1', 'echo', 'loaded-ok']), 'run loaded'), 'loaded-ok\n');
  ok(d.docker(['rmi', 'mybox:v1']), 'rmi');
  const rootfs = join(work, 'rootfs.tar');
  ok(d.docker(['export', '-o', rootfs, ok(d.docker(['create', 'busybox', 'true']), 'create').trim()]), 'export');
  ok(d.docker(['import', '-c', 'CMD ["echo","from-cmd"]', '-c', 'ENV GREETING=hello', rootfs, 'imported:v1']), 'import');
  assert.equal(ok(d.docker(['run', '--rm', 'imported:v1']), 'run imported'), 'from-cmd\n');
  assert.equal(ok(d.docker(['run', '--rm', 'imported:v1', 'sh', '-c', 'echo $GREETING']), 'env'), 'hello\n');
  ok(d.docker(['rmi', 'imported:v1']), 'rmi');
  ok(d.docker(['container', 'prune', '-f']), 'prune');
});

test('rmi refuses an image a container uses', () => {
  ok(d.docker(['create', '--name', 'user', 'busybox', 'true']), 'create');
  const r = d.docker(['rmi', 'busybox']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /conflict: unable to (remove|delete)/);
  ok(d.docker(['rm', 'user']), 'rm');
});

test('system df and container prune', () => {
  ok(d.docker(['create', '--name', 'p1', 'busybox', 'true']), 'create');
  const df = ok(d.docker(['system', 'df']), 'system df');
  assert.match(df, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/m);
  assert.match(df, /^Images\s+1/m);
  const pr = ok(d.docker(['container', 'prune', '-f']), 'prune');
  assert.match(pr, /Deleted Containers:/);
  assert.equal(d.docker(['ps', '-aq']).stdout.trim(), '');
});

test('the default bridge gives containers an address and a gateway', () => {
  const r = ok(d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'ip -4 addr show eth0; ip route']), 'run');
  const prefix = d.subnet.split('.').slice(0, 3).join('.');
  assert.match(r, new RegExp(`inet ${prefix.replace(/\./g, '\\.')}\\.\\d+/24`));
  assert.match(r, new RegExp(`default via ${prefix.replace(/\./g, '\\.')}\\.1`));
  const none = ok(d.docker(['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']), 'none');
  assert.doesNotMatch(none, /eth0/);
  assert.ok(existsSync('/proc/self'));
});
