// Container lifecycle through the Engine API: restart policies, failed starts leaving nothing, bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, waitFor, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.destroy(); });

const create = async (body: Record<string, unknown>, name?: string) => {
  const r = await d.api('POST', `/v1.50/containers/create${name ? `?name=${name}` : ''}`, { Image: 'busybox', ...body });
  assert.equal(r.status, 201, r.body);
  return r.json().Id as string;
};
const inspect = async (id: string) => (await d.api('GET', `/containers/${id}/json`)).json();

test('_ping and version negotiation headers', async () => {
  const p = await d.api('HEAD', '/_ping');
  assert.equal(p.status, 200);
  assert.equal(p.headers['api-version'], '1.50');
  assert.equal(p.headers['ostype'], 'linux');
  const old = await d.api('GET', '/v1.24/version');
  assert.equal(old.status, 200);
  const tooNew = await d.api('GET', '/v1.99/version');
  assert.equal(tooNew.status, 400);
  assert.match(tooNew.json().message, /client version 1.99 is too new/);
  assert.equal(tooNew.headers['content-type'], 'application/json');
  const missing = await d.api('GET', '/v1.50/nothing-here');
  assert.equal(missing.status, 404);
  assert.equal(missing.json().message, 'page not found');
});

test('bad input gets 400 with a clear message and creates nothing', async () => {
  const cases: Array<[unknown, RegExp]> = [
    ['{"Image": "busybox",', /invalid JSON/],
    [{ Image: 'busybox', Cmd: 5 }, /cannot unmarshal number into Go struct field container.Config.Cmd/],
    [{ Image: 'busybox', Cmd: ['true'], HostConfig: { RestartPolicy: { Name: 'sometimes' } } }, /invalid restart policy/],
    [{ Image: 'busybox', Cmd: ['true'], StopSignal: 'SIGBOGUS' }, /Invalid signal: SIGBOGUS/],
    [{ Image: 'Bad//Ref', Cmd: ['true'] }, /invalid reference format|No such image/],
  ];
  for (const [body, re] of cases) {
    const r = await d.api('POST', '/containers/create', body);
    assert.ok(r.status === 400 || r.status === 404, `${JSON.stringify(body)} → ${r.status} ${r.body}`);
    assert.match(r.json().message, re);
  }
  const badName = await d.api('POST', '/containers/create?name=bad/name', { Image: 'busybox', Cmd: ['true'] });
  assert.equal(badName.status, 400);
  assert.match(badName.json().message, /Invalid container name \(bad\/name\)/);
  const noImage = await d.api('POST', '/containers/create', { Image: 'nope:1', Cmd: ['true'] });
  assert.equal(noImage.status, 404);
  assert.equal(noImage.json().message, 'No such image: nope:1');
  const list = (await d.api('GET', '/containers/json?all=1')).json();
  assert.equal(list.length, 0);
});

test('name conflicts are 409; start twice is 304; stop a stopped one is 304', async () => {
  const id = await create({ Cmd: ['sleep', '60'] }, 'dup');
  const again = await d.api('POST', '/containers/create?name=dup', { Image: 'busybox', Cmd: ['true'] });
  assert.equal(again.status, 409);
  assert.match(again.json().message, /The container name "\/dup" is already in use by container/);
  assert.equal((await d.api('POST', `/containers/${id}/start`)).status, 204);
  assert.equal((await d.api('POST', `/containers/${id}/start`)).status, 304);
  const rm = await d.api('DELETE', `/containers/${id}`);
  assert.equal(rm.status, 409);
  assert.match(rm.json().message, /You cannot remove a running container/);
  assert.equal((await d.api('POST', `/containers/${id}/stop?t=0`)).status, 204);
  assert.equal((await d.api('POST', `/containers/${id}/stop`)).status, 304);
  const killStopped = await d.api('POST', `/containers/${id}/kill`);
  assert.equal(killStopped.status, 409);
  const badSig = await d.api('POST', `/containers/${id}/kill?signal=NOPE`);
  assert.ok(badSig.status === 400 || badSig.status === 409);
  assert.equal((await d.api('DELETE', `/containers/${id}`)).status, 204);
});

test('a failed start leaves no mount, runc state, conmon or network namespace', async () => {
  const id = await create({ Cmd: ['/no/such/binary'] });
  const r = await d.api('POST', `/containers/${id}/start`);
  assert.ok(r.status >= 400, r.body);
  assert.match(r.json().message, /no such file or directory|not found/);
  const st = (await inspect(id)).State;
  assert.equal(st.Status, 'created');
  assert.equal(st.ExitCode, 127);
  const mounts = readFileSync('/proc/mounts', 'utf8');
  assert.ok(!mounts.includes(id), 'no overlay mount left');
  const runcRoot = join(d.execRoot, 'runc');
  assert.ok(!existsSync(join(runcRoot, id)), 'no runc state left');
  const netns = join(d.execRoot, 'netns');
  assert.ok(!existsSync(netns) || !readdirSync(netns).includes(id), 'no netns left');
  assert.equal((await d.api('DELETE', `/containers/${id}`)).status, 204);
});

test('restart policy on-failure:2 restarts twice and keeps RestartCount', async () => {
  const id = await create({ Cmd: ['sh', '-c', 'exit 3'], HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } });
  assert.equal((await d.api('POST', `/containers/${id}/start`)).status, 204);
  await waitFor(async () => {
    const s = await inspect(id);
    return s.RestartCount === 2 && s.State.Status === 'exited';
  }, 15_000, 'two restarts');
  assert.equal((await inspect(id)).State.ExitCode, 3);
  await d.api('DELETE', `/containers/${id}?force=1`);
});

test('restart policy always restarts after exit; stop ends it', async () => {
  const id = await create({ Cmd: ['sh', '-c', 'sleep 0.2; exit 0'], HostConfig: { RestartPolicy: { Name: 'always' } } });
  await d.api('POST', `/containers/${id}/start`);
  await waitFor(async () => (await inspect(id)).RestartCount >= 2, 15_000, 'always restarts');
  assert.equal((await d.api('POST', `/containers/${id}/stop?t=1`)).status, 204);
  const s = await inspect(id);
  assert.equal(s.State.Running, false);
  await d.api('DELETE', `/containers/${id}?force=1`);
});

test('wait conditions and auto-remove', async () => {
  const id = await create({ Cmd: ['sh', '-c', 'sleep 0.3; exit 7'], HostConfig: { AutoRemove: true } });
  const waiting = d.api('POST', `/containers/${id}/wait?condition=removed`);
  await d.api('POST', `/containers/${id}/start`);
  const w = await waiting;
  assert.equal(w.status, 200);
  assert.deepEqual(JSON.parse(w.body), { Error: null, StatusCode: 7 });
  assert.equal((await d.api('GET', `/containers/${id}/json`)).status, 404);
  const bad = await d.api('POST', `/containers/${id.slice(0, 5)}x/wait?condition=whenever`);
  assert.ok(bad.status === 400 || bad.status === 404);
});

test('list filters: status, exited, label, name, id, ancestor, before/since, limit', async () => {
  const a = await create({ Cmd: ['sh', '-c', 'exit 1'], Labels: { tier: 'a' } }, 'fa');
  const b = await create({ Cmd: ['sleep', '60'], Labels: { tier: 'b' } }, 'fb');
  await d.api('POST', `/containers/${a}/start`);
  await d.api('POST', `/containers/${b}/start`);
  await waitFor(async () => (await inspect(a)).State.Status === 'exited', 5000, 'a exits');
  const names = async (q: string) => (await d.api('GET', `/containers/json?${q}`)).json().map((c: { Names: string[] }) => c.Names[0]);
  assert.deepEqual(await names(''), ['/fb']);
  assert.deepEqual(await names('all=1'), ['/fb', '/fa']);
  assert.deepEqual(await names('filters=' + encodeURIComponent('{"status":{"exited":true}}')), ['/fa']);
  assert.deepEqual(await names('filters=' + encodeURIComponent('{"exited":["1"]}')), ['/fa']);
  assert.deepEqual(await names('all=1&filters=' + encodeURIComponent('{"label":["tier=b"]}')), ['/fb']);
  assert.deepEqual(await names('all=1&filters=' + encodeURIComponent('{"name":{"fa":true}}')), ['/fa']);
  assert.deepEqual(await names('all=1&filters=' + encodeURIComponent(`{"id":["${a.slice(0, 8)}"]}`)), ['/fa']);
  assert.deepEqual(await names('all=1&filters=' + encodeURIComponent('{"ancestor":["busybox"]}')), ['/fb', '/fa']);
  assert.deepEqual(await names('filters=' + encodeURIComponent('{"before":["fb"]}')), ['/fa']);
  assert.deepEqual(await names('filters=' + encodeURIComponent('{"since":["fa"]}')), ['/fb']);
  assert.deepEqual(await names('limit=1'), ['/fb']);
  const bad = await d.api('GET', '/containers/json?filters=' + encodeURIComponent('{"colour":["red"]}'));
  assert.equal(bad.status, 400);
  await d.api('DELETE', `/containers/${a}?force=1`);
  await d.api('DELETE', `/containers/${b}?force=1`);
});

test('attached runs do not leak file descriptors in the daemon', async () => {
  const { readdirSync: ls } = await import('node:fs');
  const fds = () => ls(`/proc/${d.proc!.pid}/fd`).length;
  d.docker(['run', '--rm', 'busybox', 'true']);
  const before = fds();
  for (let i = 0; i < 8; i++) assert.equal(d.docker(['run', '--rm', 'busybox', 'echo', 'x']).stdout, 'x\n');
  assert.ok(fds() <= before + 2, `fds grew from ${before} to ${fds()}`);
});
