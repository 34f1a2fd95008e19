// Small pure pieces: runc error text, host probes' parsers, exec process spec, env merging, sync messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runcMessage, startErrorExitCode, ociError } from '../../../src/runtime/runtime-errors.js';
import { parseCapBnd, parseNofileHard } from '../../../src/runtime/host-info.js';
import { buildExecProcess } from '../../../src/runtime/exec-spec.js';
import { replaceOrAppendEnv } from '../../../src/runtime/env.js';
import { MessageReader } from '../../../src/runtime/conmon-launch.js';
import type { HostInfo } from '../../../src/runtime/types.js';

test('runc stderr becomes Docker-like wording; exit codes from text', () => {
  const stderr = 'time="2026-11-24T06:15:26Z" level=error msg="runc create failed: unable to start container process: exec: \\"foo\\": executable file not found in $PATH"\n';
  assert.equal(runcMessage(stderr), 'runc create failed: unable to start container process: exec: "foo": executable file not found in $PATH');
  const e = ociError('create', stderr);
  assert.equal(e.message, 'OCI runtime create failed: runc create failed: unable to start container process: exec: "foo": executable file not found in $PATH: unknown');
  assert.equal(e.kind, 'invalid');
  assert.equal(startErrorExitCode(e.message), 127);
  assert.equal(startErrorExitCode('exec: "/etc": permission denied'), 126);
  assert.equal(startErrorExitCode('something else'), undefined);
  assert.equal(ociError('start', 'boom').kind, 'internal');
});

test('host parsers', () => {
  assert.deepEqual(parseCapBnd('Name:\tx\nCapBnd:\t0000000000000021\n'), ['CAP_CHOWN', 'CAP_KILL']);
  const bnd = parseCapBnd('CapBnd:\t000001fffeffffff\n')!;
  assert.equal(bnd.length, 40);
  // This host's real bounding set: everything up to CAP_CHECKPOINT_RESTORE except CAP_SYS_RESOURCE (bit 24).
  assert.ok(!bnd.includes('CAP_SYS_RESOURCE'));
  assert.ok(bnd.includes('CAP_MAC_OVERRIDE'));
  assert.equal(parseNofileHard('Max open files            1024                 20000                files     \n'), 20000);
});

test('exec process: inherits the container process, replaces argv/env/cwd/user/tty', () => {
  const host = { capBounding: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] } as HostInfo;
  const container = {
    root: { path: '/nonexistent-rootfs' },
    process: {
      terminal: true, user: { uid: 5, gid: 6, additionalGids: [6] }, args: ['sleep'], cwd: '/work',
      env: ['PATH=/bin', 'HOSTNAME=h', 'TERM=xterm', 'A=1'], capabilities: { bounding: ['CAP_CHOWN'] },
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }], oomScoreAdj: 10,
    },
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p: any = buildExecProcess(container, { args: ['ls'], env: ['A=2', 'B=3'], workingDir: '', user: '', tty: false, privileged: false }, host);
  assert.deepEqual(p.args, ['ls']);
  assert.deepEqual(p.env, ['PATH=/bin', 'HOSTNAME=h', 'A=2', 'B=3']);
  assert.equal(p.cwd, '/work');
  assert.equal(p.terminal, false);
  assert.deepEqual(p.user, { uid: 5, gid: 6, additionalGids: [6] });
  assert.deepEqual(p.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }]);
  assert.equal(p.oomScoreAdj, undefined);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const q: any = buildExecProcess(container, { args: ['id'], env: [], workingDir: '/tmp', user: '42:43', tty: true, privileged: true }, host);
  assert.deepEqual(q.user, { uid: 42, gid: 43, additionalGids: [43] });
  assert.equal(q.cwd, '/tmp');
  assert.deepEqual(q.capabilities.bounding, ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.ok(q.env.includes('TERM=xterm'));
  assert.throws(() => buildExecProcess(container, { args: ['id'], env: [], workingDir: '', user: 'ghost', tty: false, privileged: false }, host), /unable to find user ghost/);
});

test('env: bare KEY unsets', () => {
  assert.deepEqual(replaceOrAppendEnv(['A=1', 'B=2'], ['A', 'C=3', 'B=x']), ['B=x', 'C=3']);
});

test('sync pipe messages split across chunks, then end', async () => {
  const s = new PassThrough();
  const r = new MessageReader(s);
  s.write('{"data": 12');
  s.write('3}\n{"data": -1, "message": "bad\\nthing"}\n');
  assert.deepEqual(await r.next(), { data: 123 });
  assert.deepEqual(await r.next(), { data: -1, message: 'bad\nthing' });
  const pending = r.next();
  s.end();
  assert.equal(await pending, undefined);
});
