// The real docker CLI and the berth CLI side by side against one berthd: volume create/ls/inspect/rm/prune,
// data in a named volume shared by two containers, --mount volume/bind, --tmpfs, and update --memory on a running
// container. Each step runs the same command through both CLIs and compares output, columns and exit codes
// (objects made by berth are named b-…, docker's d-…; berth's output is compared after renaming them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type DockerResult, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let hostDir: string;
const t = String(process.pid % 10000);
const D = (n: string) => `d${t}-${n}`;
const B = (n: string) => `b${t}-${n}`;

before(async () => {
  d = await startDaemon();
  hostDir = mkdtempSync(join(tmpdir(), 'berth-bind-'));
  writeFileSync(join(hostDir, 'host.txt'), 'from the host\n');
});
after(async () => {
  if (d) {
    const ids = d.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
    if (ids.length) d.docker(['rm', '-f', ...ids], { timeout: 60_000 });
    const vols = d.docker(['volume', 'ls', '-q']).stdout.split('\n').filter(Boolean);
    if (vols.length) d.docker(['volume', 'rm', '-f', ...vols]);
    await d.destroy();
  }
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

const ok = (r: DockerResult, what: string) => {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};
/** berth's output with its objects renamed to docker's and its program name replaced. */
const asDocker = (s: string) => s.split(`b${t}-`).join(`d${t}-`).replace(/\bberth\b/g, 'docker');
const maskIds = (s: string) => s.replace(/\b[0-9a-f]{64}\b/g, '<id>').replace(/\b[0-9a-f]{12}\b/g, '<id>');

/** Same command through both CLIs; `b` is berth's argv (defaults to docker's with d…-names renamed). */
function pair(args: string[], opts: { berthArgs?: string[]; input?: string; mask?: boolean } = {}): { dr: DockerResult; br: DockerResult } {
  // The helper spawns with encoding 'buffer', so input must be a Buffer.
  const input = opts.input === undefined ? undefined : Buffer.from(opts.input);
  const dr = d.docker(args, { input });
  const br = d.berth(opts.berthArgs ?? args.map((a) => a.split(`d${t}-`).join(`b${t}-`)), { input });
  const norm = (s: string) => (opts.mask ? maskIds(s) : s);
  assert.equal(br.code, dr.code, `${args.join(' ')}: exit codes differ\ndocker: ${dr.stderr}\nberth: ${br.stderr}`);
  assert.equal(norm(asDocker(br.stdout)), norm(dr.stdout), `${args.join(' ')}: stdout differs`);
  assert.equal(norm(asDocker(br.stderr)), norm(dr.stderr), `${args.join(' ')}: stderr differs`);
  return { dr, br };
}

test('volume create: name printed, options and labels kept', () => {
  const { dr } = pair(['volume', 'create', '--label', 'suite=vc', '-d', 'local', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=2m', D('opts')]);
  assert.equal(dr.stdout, `${D('opts')}\n`);
  pair(['volume', 'create', '--label', 'suite=vc', D('data')]);
  // An unnamed volume: both print a fresh 64-hex name.
  pair(['volume', 'create', '--label', 'suite=anon'], { mask: true });
  // Errors: --name and a positional name; too many arguments.
  pair(['volume', 'create', '--name', 'x', D('y')]);
});

test('volume ls: same columns, -q, --filter, --format (table, json, template)', () => {
  assert.match(ok(d.berth(['volume', 'ls', '--filter', 'label=suite=vc']), 'ls'), /^DRIVER {4}VOLUME NAME\nlocal {5}b\d+-data\n/);
  for (const args of [
    ['volume', 'ls'], ['volume', 'ls', '-q'], ['volume', 'ls', '--format', 'json'], ['volume', 'ls', '--filter', 'dangling=true', '-q'],
    ['volume', 'ls', '--format', 'table {{.Name}}\t{{.Driver}}\t{{.Scope}}\t{{.Labels}}\t{{.Links}}\t{{.Size}}'],
    ['volume', 'ls', '--format', '{{.Name}}: {{.Label "suite"}} {{.Mountpoint}}'], ['volume', 'ls', '--filter', 'bogus'],
    ['volume', 'ls', '--filter', 'label=suite=vc', '--filter', `name=${t}-`],
  ]) {
    // Both CLIs look at the same volumes here, so their outputs must be identical byte for byte.
    const dr2 = d.docker(args);
    const br2 = d.berth(args);
    assert.equal(br2.code, dr2.code, args.join(' '));
    assert.equal(br2.stdout, dr2.stdout, args.join(' '));
    assert.equal(br2.stderr.replace(/\bberth\b/g, 'docker'), dr2.stderr, args.join(' '));
  }
});

test('volume inspect: JSON, -f, missing volumes', () => {
  const same = (args: string[]) => {
    const dr = d.docker(args), br = d.berth(args);
    assert.deepEqual([br.code, br.stdout, br.stderr.replace(/\bberth\b/g, 'docker')], [dr.code, dr.stdout, dr.stderr], args.join(' '));
    return dr;
  };
  const j = JSON.parse(same(['volume', 'inspect', D('opts'), B('opts')]).stdout);
  assert.deepEqual(Object.keys(j[0]), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
  assert.deepEqual(j[0].Options, { device: 'tmpfs', o: 'size=2m', type: 'tmpfs' });
  same(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Options.type}} {{json .Labels}}', D('opts'), B('opts')]);
  same(['volume', 'inspect', 'nosuch', D('opts')]);
  same(['volume', 'inspect', '-f', '{{.Name}}', 'nosuch']);
  same(['volume', 'inspect']);
});

test('run -v name:/data: data written by one container is read by the next', () => {
  pair(['run', '--rm', '-v', `${D('data')}:/data`, 'busybox', 'sh', '-c', 'echo persisted > /data/f; ls /data']);
  const { dr } = pair(['run', '--rm', '-v', `${D('data')}:/data:ro`, 'busybox', 'sh', '-c', 'cat /data/f; touch /data/g 2>/dev/null || echo read-only']);
  assert.equal(dr.stdout, 'persisted\nread-only\n');
  // A volume named on first use is created on the fly.
  pair(['run', '--rm', '-v', `${D('auto')}:/a`, 'busybox', 'true']);
  pair(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}}', D('auto')]);
});

test('--mount type=volume and type=bind', () => {
  const { dr } = pair(['run', '--rm', '--mount', `type=volume,source=${D('data')},target=/m,readonly`, 'busybox', 'sh', '-c', 'cat /m/f; grep -c " /m " /proc/mounts']);
  assert.equal(dr.stdout, 'persisted\n1\n');
  const b = pair(['run', '--rm', '--mount', `type=bind,source=${hostDir},target=/b,readonly`, 'busybox', 'sh', '-c', 'cat /b/host.txt; touch /b/x 2>/dev/null || echo ro']);
  assert.equal(b.dr.stdout, 'from the host\nro\n');
  pair(['run', '--rm', '--mount', `type=bind,source=${hostDir},target=/b`, 'busybox', 'sh', '-c', 'echo w > /b/written; cat /b/written']);
  // A missing bind source is the daemon's error, the same for both CLIs.
  pair(['run', '--rm', '--mount', 'type=bind,source=/nonexistent-src-dir,target=/b', 'busybox', 'true'], { mask: true });
  // A client-side refusal: same exit code and reason (docker words it as a flag error with the usage block; berth
  // reports it like its other run errors, see the report).
  const args = ['run', '--rm', '--mount', 'type=bind,target=/b,volume-nocopy', 'busybox', 'true'];
  const dm = d.docker(args), bm = d.berth(args);
  assert.equal(bm.code, dm.code);
  assert.match(dm.stderr, /cannot mix 'volume-\*' options with mount type 'bind'/);
  assert.match(bm.stderr, /cannot mix 'volume-\*' options with mount type 'bind'/);
});

test('--tmpfs', () => {
  const { dr } = pair(['run', '--rm', '--tmpfs', '/t:size=1m,mode=1777', 'busybox', 'sh', '-c', 'grep " /t " /proc/mounts | cut -d" " -f1-3; stat -c %a /t; echo x > /t/y && cat /t/y']);
  assert.equal(dr.stdout, 'tmpfs /t tmpfs\n1777\nx\n');
  pair(['run', '--rm', '--mount', 'type=tmpfs,target=/u,tmpfs-size=65536', 'busybox', 'sh', '-c', 'df -k /u | tail -1 | awk \'{print $2}\'']);
});

test('volume rm: in use, missing, -f', () => {
  ok(d.docker(['run', '-d', '--name', D('holder'), '-v', `${D('data')}:/data`, 'busybox', 'sleep', '300']), 'holder');
  ok(d.docker(['run', '-d', '--name', B('holder'), '-v', `${B('data')}:/data`, 'busybox', 'sleep', '300']), 'holder');
  pair(['volume', 'rm', D('data')], { mask: true });
  pair(['volume', 'rm', 'nosuch', D('opts')]);
  pair(['volume', 'rm', '-f', 'nosuch']);
  pair(['rm', '-f', D('holder')]);
  pair(['volume', 'rm', D('data'), D('auto')]);
  pair(['volume', 'rm']);
});

test('volume prune: prompt, -a, --filter, Deleted Volumes and reclaimed space', () => {
  // The label value carries the d…/b… prefix, so each CLI prunes only its own volumes.
  pair(['volume', 'create', '--label', `pr=${D('set')}`, D('p1')]);
  pair(['volume', 'create', '--label', `pr=${D('set')}`, D('p2')]);
  // Declining the prompt removes nothing.
  pair(['volume', 'prune', '-a', '--filter', `label=pr=${D('set')}`], { input: 'n\n' });
  // Without -a only anonymous volumes go (none carry this label).
  pair(['volume', 'prune', '-f', '--filter', `label=pr=${D('set')}`]);
  const { dr } = pair(['volume', 'prune', '-a', '--filter', `label=pr=${D('set')}`], { input: 'y\n' });
  assert.match(dr.stdout, /Deleted Volumes:\n.*p1\n.*p2\n\nTotal reclaimed space: \d/);
  pair(['volume', 'prune', '-a', '-f', '--filter', 'all=1']);
  pair(['volume', 'prune', '-f', '--filter', 'nonsense']);
  // Anonymous volumes of removed containers are what a plain prune takes.
  ok(d.docker(['run', '--name', D('anon'), '-v', '/anon', '--label', `pr=${t}`, 'busybox', 'true']), 'anon');
  ok(d.docker(['rm', D('anon')]), 'rm anon');
  const r = d.berth(['volume', 'prune', '-f']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Deleted Volumes:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
});

test('update --memory on a running container, checked through inspect and the cgroup', () => {
  ok(d.docker(['run', '-d', '--name', D('upd'), 'busybox', 'sleep', '300']), 'run');
  ok(d.docker(['run', '-d', '--name', B('upd'), 'busybox', 'sleep', '300']), 'run');
  const { dr } = pair(['update', '--memory', '64m', '--memory-swap', '128m', D('upd')]);
  assert.equal(dr.stdout, `${D('upd')}\n`);
  const fmt = '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.State.Running}}';
  assert.equal(ok(d.docker(['inspect', '-f', fmt, D('upd')]), 'inspect'), '67108864 134217728 true\n');
  assert.equal(ok(d.docker(['inspect', '-f', fmt, B('upd')]), 'inspect'), '67108864 134217728 true\n');
  pair(['exec', D('upd'), 'cat', '/sys/fs/cgroup/memory.max']);
  pair(['update', '--cpus', '0.5', '--pids-limit', '64', '--restart', 'on-failure:2', D('upd'), 'nosuch']);
  pair(['inspect', '-f', '{{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', D('upd')]);
  pair(['update', D('upd')]);
  pair(['update', '--memory', '1x', D('upd')]);
  pair(['update', '--restart', 'bogus', D('upd')]);
  pair(['container', 'update', '-m', '96m', D('upd')]);
});

test('volume ls --filter dangling/driver/label and prune --filter label/label! round-trip as dockerd filters them', () => {
  // f1 is used by a stopped container (not dangling), f2 and f3 are not; labels tell them apart.
  ok(d.docker(['volume', 'create', '--label', `fl=${t}`, '--label', 'tier=a', D('f1')]), 'f1');
  ok(d.docker(['volume', 'create', '--label', `fl=${t}`, '--label', 'tier=b', D('f2')]), 'f2');
  ok(d.docker(['volume', 'create', '--label', `fl=${t}`, '--label', 'keep', D('f3')]), 'f3');
  ok(d.docker(['create', '--name', D('fuser'), '-v', `${D('f1')}:/x`, 'busybox', 'true']), 'user');
  const ls = (...f: string[]) => ok(d.docker(['volume', 'ls', '-q', '--filter', `label=fl=${t}`, ...f.flatMap((x) => ['--filter', x])]), f.join(' ')).trim().split('\n').filter(Boolean);
  assert.deepEqual(ls('dangling=false'), [D('f1')]);
  assert.deepEqual(ls('dangling=true'), [D('f2'), D('f3')]);
  assert.deepEqual(ls('dangling=1', 'driver=local'), [D('f2'), D('f3')]);
  assert.deepEqual(ls('driver=nosuch'), []);
  assert.deepEqual(ls('label=keep'), [D('f3')]);
  assert.deepEqual(ls('label=tier=b'), [D('f2')]);
  // Errors, byte for byte the same through both CLIs (dockerd's wording: accepted keys differ for ls and prune).
  for (const args of [
    ['volume', 'ls', '--filter', 'dangling=maybe'], ['volume', 'ls', '--filter', 'dangling=true', '--filter', 'dangling=false'],
    ['volume', 'ls', '--filter', 'label!=keep'], ['volume', 'prune', '-f', '--filter', 'dangling=true'],
    ['volume', 'prune', '-f', '--filter', 'all=maybe'],
  ]) {
    const dr = d.docker(args);
    const br = d.berth(args);
    assert.equal(dr.code, 1, `${args.join(' ')}: ${dr.stderr}`);
    assert.equal(br.code, dr.code, args.join(' '));
    assert.equal(br.stderr.replace(/\bberth\b/g, 'docker'), dr.stderr, args.join(' '));
  }
  assert.match(d.docker(['volume', 'ls', '--filter', 'dangling=maybe']).stderr, /invalid filter 'dangling=\[maybe\]'/);
  assert.match(d.docker(['volume', 'ls', '--filter', 'label!=keep']).stderr, /invalid filter 'label!'/);
  assert.match(d.docker(['volume', 'prune', '-f', '--filter', 'all=maybe']).stderr, /invalid filter 'all': strconv.ParseBool: parsing "maybe": invalid syntax/);
  // prune -a with label and label!: f3 (keep) stays, f1 is in use, only f2 goes.
  const pr = ok(d.docker(['volume', 'prune', '-a', '-f', '--filter', `label=fl=${t}`, '--filter', 'label!=keep']), 'prune');
  assert.match(pr, new RegExp(`^Deleted Volumes:\\n${D('f2')}\\n\\nTotal reclaimed space: `));
  assert.deepEqual(ls(), [D('f1'), D('f3')]);
  // The same through the berth CLI on the remaining unused one.
  const bp = ok(d.berth(['volume', 'prune', '-a', '-f', '--filter', `label=fl=${t}`]), 'berth prune');
  assert.match(bp, new RegExp(`^Deleted Volumes:\\n${D('f3')}\\n\\nTotal reclaimed space: `));
  ok(d.docker(['rm', D('fuser')]), 'rm user');
  ok(d.docker(['volume', 'rm', D('f1')]), 'rm f1');
});
