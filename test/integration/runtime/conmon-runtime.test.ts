// The conmon + runc driver against real containers: lifecycle, logs, exits, exec, attach, TTY, pause,
// errors, stats, and that nothing (conmon, runc state, cgroups) is left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setup, conmonPids, cgroupDirs, waitFor, type Harness } from './helpers.js';
import type { AttachSession } from '../../../src/runtime/types.js';

let h: Harness;
before(() => { h = setup('main'); });
after(async () => { await h.teardown(); });

function collect(s: AttachSession): { out: () => string; err: () => string; closed: Promise<void> } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  s.onOutput((stream, data) => (stream === 1 ? out : err).push(Buffer.from(data)));
  const closed = new Promise<void>((r) => s.onClose(r));
  return { out: () => Buffer.concat(out).toString(), err: () => Buffer.concat(err).toString(), closed };
}

async function assertGone(id: string) {
  assert.equal(existsSync(join(h.runcRoot, id)), false, 'runc state removed');
  assert.deepEqual(cgroupDirs(h.cgroupParent, id), [], 'cgroups removed');
  await waitFor(() => conmonPids(id).length === 0, 5000, `conmon of ${id} to exit`);
  assert.equal(existsSync(join(h.stateDir, 'ctr', id)), false, 'persist dir removed');
  assert.equal(existsSync(join(h.stateDir, 'exits', id)), false, 'exit file removed');
}

test('echo hi: log line, exit 0, cleanup', async () => {
  const id = 'rt-echo';
  const exit = h.nextExit(id);
  const { pid } = await h.create(id, ['echo', 'hi']);
  assert.ok(pid > 0);
  assert.equal((await h.rt.state(id))?.status, 'created');
  await h.rt.start(id);
  const info = await exit;
  assert.equal(info.exitCode, 0);
  assert.equal(info.oomKilled, false);
  assert.match(readFileSync(h.logPath(id), 'utf8'), /^\S+ stdout F hi$/m);
  assert.deepEqual(await h.rt.exitInfo(id), info);
  await h.rt.delete(id);
  await h.rt.delete(id); // idempotent
  await assertGone(id);
  assert.equal(await h.rt.state(id), undefined);
});

test('kill -9 of a sleeping container reports 137 exactly once', async () => {
  const id = 'rt-kill';
  await h.create(id, ['sleep', '1000']);
  await h.rt.start(id);
  assert.equal((await h.rt.state(id))?.status, 'running');
  assert.deepEqual(await h.rt.list(), [id]);
  const pids = await h.rt.pids(id);
  assert.equal(pids.length, 1);
  const stats = await h.rt.stats(id);
  assert.equal(stats.pids, 1);
  assert.ok(stats.memUsage > 0 && stats.cpuTotal > 0 && stats.onlineCpus > 0, JSON.stringify(stats));
  const exit = h.nextExit(id);
  await h.rt.kill(id, 9);
  assert.equal((await exit).exitCode, 137);
  await new Promise((r) => setTimeout(r, 2500)); // past one rescan period
  assert.equal(h.exitCounts.get(id), 1);
  await h.rt.delete(id);
  await assertGone(id);
});

test('exec with attach: output and exit code; detached exec; resize of a non-tty exec is harmless', async () => {
  const id = 'rt-exec';
  await h.create(id, ['sleep', '1000']);
  await h.rt.start(id);
  const e1 = await h.rt.exec({ containerId: id, execId: 'e1', attach: true, openStdin: false,
    process: { args: ['sh', '-c', 'echo out; echo err >&2; exit 3'], env: ['A=1'], workingDir: '', user: '', tty: false, privileged: false } });
  assert.ok(e1.pid > 0);
  const c = collect(e1.attach!);
  assert.equal(await e1.exited, 3);
  await c.closed;
  assert.equal(c.out(), 'out\n');
  assert.equal(c.err(), 'err\n');

  const e2 = await h.rt.exec({ containerId: id, execId: 'e2', attach: false, openStdin: false,
    process: { args: ['sh', '-c', 'echo $A $HOSTNAME > /tmp/e2; id -u'], env: ['A=two'], workingDir: '/tmp', user: 'nobody', tty: false, privileged: false } });
  assert.equal(e2.attach, undefined);
  assert.equal(await e2.exited, 0);
  const e3 = await h.rt.exec({ containerId: id, execId: 'e3', attach: true, openStdin: false,
    process: { args: ['sh', '-c', 'cat /tmp/e2; id -u; pwd'], env: [], workingDir: '/tmp', user: 'nobody', tty: false, privileged: false } });
  const c3 = collect(e3.attach!);
  assert.equal(await e3.exited, 0);
  await c3.closed;
  assert.equal(c3.out(), `two ${id.slice(0, 12)}\n65534\n/tmp\n`);

  const e5 = await h.rt.exec({ containerId: id, execId: 'e5', attach: true, openStdin: true,
    process: { args: ['sh', '-c', 'read line; stty size; echo "got $line"'], env: [], workingDir: '', user: '', tty: true, privileged: false } });
  const c5 = collect(e5.attach!);
  await e5.resize(40, 120);
  e5.attach!.writeStdin(Buffer.from('abc\n'));
  assert.equal(await e5.exited, 0);
  await c5.closed;
  assert.match(c5.out(), /40 120\r?\n/);
  assert.match(c5.out(), /got abc/);

  const e6 = await h.rt.exec({ containerId: id, execId: 'e6', attach: true, openStdin: true,
    process: { args: ['cat'], env: [], workingDir: '', user: '', tty: false, privileged: false } });
  const c6 = collect(e6.attach!);
  e6.attach!.writeStdin(Buffer.from('piped\n'));
  await waitFor(() => c6.out() === 'piped\n' || undefined, 5000, 'exec echo');
  e6.attach!.closeStdin();
  assert.equal(await e6.exited, 0);

  await assert.rejects(h.rt.exec({ containerId: id, execId: 'e4', attach: true, openStdin: false,
    process: { args: ['nosuchcmd'], env: [], workingDir: '', user: '', tty: false, privileged: false } }), /executable file not found/);

  // PID 1 of a pid namespace ignores SIGTERM without a handler (why `docker stop` escalates to SIGKILL).
  const exit = h.nextExit(id);
  await h.rt.kill(id, 9);
  assert.equal((await exit).exitCode, 137);
  await h.rt.delete(id);
  await assertGone(id);
  assert.equal(existsSync(join(h.stateDir, 'exec', id)), false);
});

test('attach to cat with stdin: echo back, closing stdin ends it', async () => {
  const id = 'rt-cat';
  await h.create(id, ['cat'], { openStdin: true, stdinOnce: true });
  const s = await h.rt.attach(id);
  const c = collect(s);
  const exit = h.nextExit(id);
  await h.rt.start(id);
  s.writeStdin(Buffer.from('hello\n'));
  await waitFor(() => c.out() === 'hello\n' || undefined, 5000, 'echo');
  s.closeStdin();
  assert.equal((await exit).exitCode, 0);
  await c.closed;
  await h.rt.delete(id);
  await assertGone(id);
});

test('tty container: resize reaches the pty, output on stream 1', async () => {
  const id = 'rt-tty';
  await h.create(id, ['sh'], { tty: true, openStdin: true, stdinOnce: true });
  const s = await h.rt.attach(id);
  const c = collect(s);
  const exit = h.nextExit(id);
  await h.rt.start(id);
  await h.rt.resize(id, 33, 101);
  s.writeStdin(Buffer.from('stty size; echo "T=$TERM"; exit 7\n'));
  assert.equal((await exit).exitCode, 7);
  await c.closed;
  assert.match(c.out(), /33 101/);
  assert.match(c.out(), /T=xterm/);
  assert.equal(c.err(), '');
  await h.rt.delete(id);
  await assertGone(id);
});

test('pause and resume', async () => {
  const id = 'rt-pause';
  await h.create(id, ['sleep', '1000']);
  await h.rt.start(id);
  await h.rt.pause(id);
  assert.equal((await h.rt.state(id))?.status, 'paused');
  await h.rt.resume(id);
  assert.equal((await h.rt.state(id))?.status, 'running');
  await h.rt.update(id, { memory: 64 * 1024 * 1024, memorySwap: 128 * 1024 * 1024, pidsLimit: 50 });
  assert.equal((await h.rt.stats(id)).memLimit, 64 * 1024 * 1024);
  const exit = h.nextExit(id);
  await h.rt.kill(id, 9);
  await exit;
  await h.rt.delete(id);
  await assertGone(id);
});

test('missing executable: create fails with runc\'s text; delete after a failed create is safe', async () => {
  const id = 'rt-missing';
  await assert.rejects(h.create(id, ['nosuchcmd']), (e: Error) => {
    assert.match(e.message, /exec: "nosuchcmd": executable file not found in \$PATH/);
    return true;
  });
  await assert.rejects(h.create('rt-noperm', ['/etc/passwd']), /permission denied/);
  await h.rt.delete(id);
  await h.rt.delete('rt-noperm');
  await assertGone(id);
  await assertGone('rt-noperm');
});

test('delete of a running container kills it and leaves nothing', async () => {
  const id = 'rt-force';
  await h.create(id, ['sleep', '1000']);
  await h.rt.start(id);
  await h.rt.delete(id);
  await assertGone(id);
});

test('memory limit: an OOM kill is reported', async () => {
  const id = 'rt-oom';
  const exit = h.nextExit(id);
  // A shell variable grows past the limit; with no swap allowance the kernel OOM-kills the shell.
  await h.create(id, ['sh', '-c', 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived'],
    { resources: { memory: 16 * 1024 * 1024, memorySwap: 16 * 1024 * 1024 } });
  await h.rt.start(id);
  const info = await exit;
  assert.equal(info.oomKilled, true, JSON.stringify(info));
  await h.rt.delete(id);
  await assertGone(id);
});

test('privileged with --init, read-only rootfs, user and group-add, host netns', async () => {
  const id = 'rt-priv';
  const exit = h.nextExit(id);
  await h.create(id, ['sh', '-c', 'grep CapEff /proc/self/status; id; touch /x 2>/dev/null || echo ro; cat /proc/1/comm'], {
    privileged: true, init: true, initPath: '/usr/bin/tini-static', readonlyRootfs: true, user: 'nobody', groupAdd: ['wheel'], netns: 'host',
  });
  await h.rt.start(id);
  assert.equal((await exit).exitCode, 0, readFileSync(h.logPath(id), 'utf8'));
  const log = readFileSync(h.logPath(id), 'utf8');
  assert.match(log, /stdout F uid=65534\(nobody\) gid=65534\(nogroup\) groups=10\(wheel\),65534\(nogroup\)/);
  assert.match(log, /stdout F ro$/m);
  assert.match(log, /stdout F docker-init$/m);
  await h.rt.delete(id);
  await assertGone(id);
});

test('nothing of ours is left running', async () => {
  assert.deepEqual(await h.rt.list(), []);
  assert.deepEqual(conmonPids(h.stateDir), []);
  assert.deepEqual(readdirSync(join(h.stateDir, 'exits')), []);
});
