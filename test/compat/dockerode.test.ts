// dockerode (the Node SDK most tools use) against berthd: every call runs against a real daemon and real containers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { startDaemon, busyboxTarball, sleep, waitFor, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let docker: Docker;

before(async () => {
  d = await startDaemon();
  docker = new Docker({ socketPath: d.socket });
});

after(async () => {
  await d?.destroy();
});

/** Collects a multiplexed (Tty=false) stream into stdout and stderr text with the modem's own demuxer. */
function demux(stream: NodeJS.ReadableStream): Promise<{ stdout: string; stderr: string }> {
  const out = new PassThrough(), err = new PassThrough();
  const o: Buffer[] = [], e: Buffer[] = [];
  out.on('data', (c: Buffer) => o.push(c));
  err.on('data', (c: Buffer) => e.push(c));
  docker.modem.demuxStream(stream, out, err);
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve({ stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() }));
    stream.on('close', () => resolve({ stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() }));
    stream.on('error', reject);
  });
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Waits for a JSON progress stream (import, load) to finish and returns its messages. */
function followProgress(stream: NodeJS.ReadableStream): Promise<any[]> {
  return new Promise((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null, res: any[]) => (err ? reject(err) : resolve(res))));
}

test('ping, version, info', async () => {
  const pong = await docker.ping();
  assert.equal(pong.toString(), 'OK');
  const v = await docker.version();
  assert.equal(v.ApiVersion, '1.50');
  assert.equal(v.Os, 'linux');
  assert.ok(v.Version);
  const info = await docker.info();
  assert.equal(info.Driver, 'overlay2');
  assert.equal(info.OSType, 'linux');
  assert.ok(info.Images >= 1);
});

test('listImages shows busybox', async () => {
  const images = await docker.listImages();
  const bb = images.find((i) => i.RepoTags?.includes('busybox:latest'));
  assert.ok(bb, `busybox missing from ${JSON.stringify(images)}`);
  assert.match(bb.Id, /^sha256:[0-9a-f]{64}$/);
  const filtered = await docker.listImages({ filters: { reference: ['busybox'] } });
  assert.equal(filtered.length, 1);
});

test('createContainer, hijacked attach, start, wait: output split by stream and the exit code', async () => {
  const c = await docker.createContainer({
    Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'],
    AttachStdout: true, AttachStderr: true, Tty: false, Labels: { suite: 'dockerode' },
  });
  assert.match(c.id, /^[0-9a-f]{64}$/);
  const stream = await c.attach({ stream: true, stdout: true, stderr: true, hijack: true });
  const output = demux(stream);
  // Like the docker CLI: next-exit before start (not-running would answer at once for a created container).
  const waited = c.wait({ condition: 'next-exit' });
  await c.start();
  const res = await waited;
  assert.equal(res.StatusCode, 3);
  assert.equal((await c.wait()).StatusCode, 3, 'not-running on an exited container answers at once');
  const { stdout, stderr } = await output;
  assert.equal(stdout, 'out\n');
  assert.equal(stderr, 'err\n');
  const info = await c.inspect();
  assert.equal(info.State.Status, 'exited');
  assert.equal(info.State.ExitCode, 3);
  assert.equal(info.Config.Labels.suite, 'dockerode');
  await c.remove();
});

test('docker.run: the SDK convenience (create, attach without hijack, start, wait)', async () => {
  const out = new PassThrough(), err = new PassThrough();
  let stdout = '', stderr = '';
  out.on('data', (c) => { stdout += c; });
  err.on('data', (c) => { stderr += c; });
  const [res, container] = await docker.run('busybox', ['sh', '-c', 'echo run-out; echo run-err >&2; exit 2'], [out, err], { Tty: false });
  assert.equal(res.StatusCode, 2);
  await waitFor(() => stdout === 'run-out\n' && stderr === 'run-err\n', 5_000, () => `stdout ${JSON.stringify(stdout)} stderr ${JSON.stringify(stderr)}`);
  await container.remove();
});

test('attach with stdin: what is written comes back', async () => {
  const c = await docker.createContainer({
    Image: 'busybox', Cmd: ['cat'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true,
  });
  const stream = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as unknown as NodeJS.ReadWriteStream;
  const output = demux(stream);
  await c.start();
  stream.write('hello through stdin\n');
  (stream as any).end();
  const res = await c.wait();
  assert.equal(res.StatusCode, 0);
  assert.equal((await output).stdout, 'hello through stdin\n');
  await c.remove();
});

test('logs: plain and follow', async () => {
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'for i in 1 2 3; do echo n$i; echo e$i >&2; sleep 0.2; done'] });
  await c.start();
  const followed = await c.logs({ follow: true, stdout: true, stderr: true });
  const live = await demux(followed);
  assert.equal(live.stdout, 'n1\nn2\nn3\n');
  assert.equal(live.stderr, 'e1\ne2\ne3\n');
  // Without follow dockerode returns the whole body as a Buffer of frames.
  const buf = await c.logs({ stdout: true, stderr: false });
  assert.ok(Buffer.isBuffer(buf));
  const plain = await demux(Readable.from([buf]));
  assert.equal(plain.stdout, 'n1\nn2\nn3\n');
  assert.equal(plain.stderr, '');
  // tail counts entries across both streams, as dockerd does.
  const tail = await demux(Readable.from([await c.logs({ stdout: true, stderr: true, tail: 2 })]));
  assert.deepEqual(tail, { stdout: 'n3\n', stderr: 'e3\n' });
  const ts = await c.logs({ stdout: true, timestamps: true });
  assert.match((await demux(Readable.from([ts]))).stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z n1\n/);
  await c.remove();
});

test('exec: create, start (hijacked and plain), inspect ExitCode', async () => {
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], name: 'dockerode-exec' });
  await c.start();
  const exec = await c.exec({ Cmd: ['sh', '-c', 'echo from-exec; echo to-err >&2; exit 4'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = await demux(stream);
  assert.equal(out.stdout, 'from-exec\n');
  assert.equal(out.stderr, 'to-err\n');
  const ins = await exec.inspect();
  assert.equal(ins.ExitCode, 4);
  assert.equal(ins.Running, false);
  assert.equal(ins.ContainerID, c.id);

  // Without hijack the daemon answers 200 and streams on the same connection.
  const exec2 = await c.exec({ Cmd: ['echo', 'plain'], AttachStdout: true, AttachStderr: true });
  const out2 = await demux(await exec2.start({}));
  assert.equal(out2.stdout, 'plain\n');
  assert.equal((await exec2.inspect()).ExitCode, 0);

  // Exec with stdin over the hijacked connection.
  const exec3 = await c.exec({ Cmd: ['cat'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const s3 = await exec3.start({ hijack: true, stdin: true }) as unknown as NodeJS.ReadWriteStream;
  const out3 = demux(s3);
  s3.write('echoed\n');
  (s3 as any).end();
  assert.equal((await out3).stdout, 'echoed\n');
  assert.equal((await exec3.inspect()).ExitCode, 0);

  // A missing binary: the 101 has gone out, so the start error arrives on stdout and ExitCode is 127, as with dockerd.
  const exec5 = await c.exec({ Cmd: ['no-such-binary-dockerode'], AttachStdout: true, AttachStderr: true });
  const out5 = await demux(await exec5.start({ hijack: true, stdin: false }));
  assert.match(out5.stdout, /no-such-binary-dockerode/);
  assert.equal((await exec5.inspect()).ExitCode, 127);

  // Detached exec: returns at once; inspect shows it running, then its exit code.
  const exec4 = await c.exec({ Cmd: ['sh', '-c', 'sleep 0.3; exit 5'] });
  await exec4.start({ Detach: true });
  let ins4 = await exec4.inspect();
  for (let i = 0; i < 100 && ins4.Running; i++) { await sleep(50); ins4 = await exec4.inspect(); }
  assert.equal(ins4.ExitCode, 5);
  await c.remove({ force: true });
});

test('inspect, listContainers with filters, stop, kill, remove', async () => {
  const a = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], name: 'dockerode-a', Labels: { role: 'a', suite: 'list' } });
  const b = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], name: 'dockerode-b', Labels: { role: 'b', suite: 'list' } });
  await a.start();
  await b.start();
  const ia = await a.inspect();
  assert.equal(ia.Name, '/dockerode-a');
  assert.equal(ia.State.Running, true);
  assert.ok(ia.State.Pid > 0);
  assert.deepEqual(ia.Config.Cmd, ['sleep', '300']);
  assert.equal(ia.Config.Image, 'busybox');

  const byLabel = await docker.listContainers({ filters: { label: ['suite=list'] } });
  assert.deepEqual(byLabel.map((c) => c.Names[0]).sort(), ['/dockerode-a', '/dockerode-b']);
  const byRole = await docker.listContainers({ filters: JSON.stringify({ label: { 'role=b': true } }) });
  assert.deepEqual(byRole.map((c) => c.Id), [b.id]);
  const byName = await docker.listContainers({ filters: { name: ['dockerode-a'] } });
  assert.deepEqual(byName.map((c) => c.Id), [a.id]);
  assert.equal(byName[0].State, 'running');
  assert.match(byName[0].Status, /^Up /);

  await a.stop({ t: 1 });
  assert.equal((await a.inspect()).State.Status, 'exited');
  // Stopping a stopped container is a 304, which dockerode reports as an error with that status.
  await assert.rejects(a.stop(), (e: any) => e.statusCode === 304);
  await b.kill({ signal: 'SIGKILL' });
  const ib = await b.wait();
  assert.equal(ib.StatusCode, 137);

  const exited = await docker.listContainers({ all: true, filters: { status: ['exited'], label: ['suite=list'] } });
  assert.equal(exited.length, 2);
  assert.deepEqual(await docker.listContainers({ filters: { label: ['suite=list'] } }), []);

  await a.remove();
  await b.remove({ v: true });
  await assert.rejects(a.inspect(), (e: any) => e.statusCode === 404 && /No such container/.test(e.message));
});

test('getImage: inspect, history, tag, remove', async () => {
  const img = docker.getImage('busybox');
  const info = await img.inspect();
  assert.ok(info.RepoTags.includes('busybox:latest'));
  assert.equal(info.Os, 'linux');
  const hist = await img.history();
  assert.ok(Array.isArray(hist) && hist.length >= 1);
  assert.ok(hist[0].Id);

  await img.tag({ repo: 'localhost:5000/dockerode/bb', tag: 'v1' });
  const tagged = await docker.getImage('localhost:5000/dockerode/bb:v1').inspect();
  assert.equal(tagged.Id, info.Id);
  const removed = await docker.getImage('localhost:5000/dockerode/bb:v1').remove();
  assert.deepEqual(removed, [{ Untagged: 'localhost:5000/dockerode/bb:v1' }]);
  await assert.rejects(docker.getImage('localhost:5000/dockerode/bb:v1').inspect(), (e: any) => e.statusCode === 404);
});

test('importImage, save with getImage().get(), remove, loadImage: a round trip', async () => {
  const progress = await followProgress(await docker.importImage(busyboxTarball(), { repo: 'dockerode-imported', tag: 'v1' }));
  const last = progress.at(-1);
  assert.match(last.status, /^sha256:[0-9a-f]{64}$/);
  const imported = await docker.getImage('dockerode-imported:v1').inspect();
  assert.equal(imported.Id, last.status);

  const saved = await readAll(await docker.getImage('dockerode-imported:v1').get());
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const ex = tar.extract();
    ex.on('entry', (h, s, next) => { names.push(h.name); s.resume(); s.on('end', next); });
    ex.on('finish', resolve);
    ex.on('error', reject);
    ex.end(saved);
  });
  assert.ok(names.includes('manifest.json'), `save archive has ${names.join(', ')}`);

  await docker.getImage('dockerode-imported:v1').remove();
  await assert.rejects(docker.getImage('dockerode-imported:v1').inspect(), (e: any) => e.statusCode === 404);

  const loaded = await followProgress(await docker.loadImage(Readable.from([saved])));
  assert.ok(loaded.some((m) => /Loaded image: dockerode-imported:v1/.test(m.stream ?? '')), JSON.stringify(loaded));
  assert.equal((await docker.getImage('dockerode-imported:v1').inspect()).Id, imported.Id);

  // The loaded image runs.
  const c = await docker.createContainer({ Image: 'dockerode-imported:v1', Cmd: ['echo', 'loaded-ok'] });
  await c.start();
  assert.equal((await c.wait()).StatusCode, 0);
  assert.equal((await demux(Readable.from([await c.logs({ stdout: true })]))).stdout, 'loaded-ok\n');
  await c.remove();
  await docker.getImage('dockerode-imported:v1').remove();
});

test('getEvents with since and until replays history and ends', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['true'], name: 'dockerode-ev', Labels: { evlabel: 'x' } });
  await c.start();
  await c.wait();
  await c.remove();
  const until = Math.floor(Date.now() / 1000) + 1;
  const stream = await docker.getEvents({ since, until, filters: { container: ['dockerode-ev'] } });
  const text = (await readAll(stream)).toString();
  const events = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const actions = events.map((e) => e.Action);
  for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `missing ${a} in ${actions.join(',')}`);
  const die = events.find((e) => e.Action === 'die');
  assert.equal(die.Type, 'container');
  assert.equal(die.Actor.ID, c.id);
  assert.equal(die.Actor.Attributes.exitCode, '0');
  assert.equal(die.Actor.Attributes.name, 'dockerode-ev');
  assert.equal(die.Actor.Attributes.evlabel, 'x');
  assert.equal(typeof die.timeNano, 'number');
  // type filter in the map form
  const onlyImages = await readAll(await docker.getEvents({ since, until, filters: JSON.stringify({ type: { image: true } }) }));
  for (const l of onlyImages.toString().split('\n').filter(Boolean)) assert.equal(JSON.parse(l).Type, 'image');
});

test('container.stats({stream:false}) returns one sample', async () => {
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], name: 'dockerode-stats' });
  await c.start();
  const s = await c.stats({ stream: false });
  assert.equal(s.name, '/dockerode-stats');
  assert.equal(s.id, c.id);
  assert.ok(s.memory_stats.usage > 0, JSON.stringify(s.memory_stats));
  assert.ok(s.pids_stats!.current! >= 1);
  assert.ok(s.cpu_stats.cpu_usage.total_usage >= 0);
  await c.remove({ force: true });
});

test('putArchive and getArchive', async () => {
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'] });
  await c.start();
  const pack = tar.pack();
  pack.entry({ name: 'hello.txt', mode: 0o644 }, 'hello from dockerode\n');
  pack.entry({ name: 'sub', type: 'directory', mode: 0o755 });
  pack.entry({ name: 'sub/inner.txt', mode: 0o600 }, 'inner\n');
  pack.finalize();
  await c.putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/tmp' });

  const exec = await c.exec({ Cmd: ['cat', '/tmp/hello.txt', '/tmp/sub/inner.txt'], AttachStdout: true, AttachStderr: true });
  assert.equal((await demux(await exec.start({ hijack: true, stdin: false }))).stdout, 'hello from dockerode\ninner\n');

  const archive = await readAll(await c.getArchive({ path: '/tmp/sub' }));
  const entries: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    const ex = tar.extract();
    ex.on('entry', (h, s, next) => {
      const chunks: Buffer[] = [];
      s.on('data', (b) => chunks.push(b as Buffer));
      s.on('end', () => { entries[h.name.replace(/\/$/, '')] = Buffer.concat(chunks).toString(); next(); });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
    ex.end(archive);
  });
  assert.deepEqual(Object.keys(entries).sort(), ['sub', 'sub/inner.txt']);
  assert.equal(entries['sub/inner.txt'], 'inner\n');

  const head = await c.infoArchive({ path: '/tmp/hello.txt' }) as unknown as { headers: Record<string, string> };
  const stat = JSON.parse(Buffer.from(head.headers['x-docker-container-path-stat'], 'base64').toString());
  assert.equal(stat.name, 'hello.txt');
  assert.equal(stat.mode, 0o644);
  assert.equal(stat.size, 21);
  await assert.rejects(c.getArchive({ path: '/nonexistent' }), (e: any) => e.statusCode === 404);
  await c.remove({ force: true });
});

test('errors carry Docker status codes and messages', async () => {
  await assert.rejects(docker.createContainer({ Image: 'no-such-image-dockerode' }), (e: any) => e.statusCode === 404 && /No such image/.test(e.message));
  await assert.rejects(docker.getContainer('nope').inspect(), (e: any) => e.statusCode === 404);
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], name: 'dockerode-dup' });
  await assert.rejects(docker.createContainer({ Image: 'busybox', name: 'dockerode-dup' }), (e: any) => e.statusCode === 409);
  await c.start();
  await assert.rejects(c.remove(), (e: any) => e.statusCode === 409);
  await c.remove({ force: true });
});
