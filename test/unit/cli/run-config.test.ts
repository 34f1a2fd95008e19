import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../../src/cli/args.js';
import { buildCreateRequest, parsePortSpec, parseRestart } from '../../../src/cli/run-config.js';
import { run } from '../../../src/cli/commands/run.js';

// Byte-exact body the docker CLI 28.2.2 sent for `docker run --rm busybox echo hi` (wire reference §7).
const TRACE = '{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["echo","hi"],"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}';

const build = (argv: string[], detach = false, consoleSize: [number, number] = [0, 0]) =>
  buildCreateRequest(parseArgs(run.spec, argv), { env: { HOME_VAR: 'h' }, consoleSize, detach });

test('run --rm busybox echo hi matches the docker CLI byte for byte', () => {
  assert.equal(JSON.stringify(build(['--rm', 'busybox', 'echo', 'hi']).body), TRACE);
});

test('-it sets stdin/tty/StdinOnce and ConsoleSize; -d clears attach', () => {
  const it = build(['-it', 'busybox', 'sh'], false, [40, 100]).body as any;
  assert.deepEqual([it.AttachStdin, it.OpenStdin, it.StdinOnce, it.Tty, it.HostConfig.ConsoleSize], [true, true, true, true, [40, 100]]);
  const d = build(['-d', '--name', 'x', 'busybox', 'sleep', '300'], true);
  assert.equal(d.name, 'x');
  assert.deepEqual([(d.body as any).AttachStdout, (d.body as any).AttachStderr, (d.body as any).StdinOnce], [false, false, false]);
});

test('ports, env, labels, volumes, resources, restart, init, entrypoint', () => {
  const b = build(['-p', '127.0.0.1:18080:80', '-p', '8081', '--expose', '9000-9001', '-e', 'A=1', '-e', 'HOME_VAR', '-e', 'UNSET',
    '-l', 'k=v', '-v', '/data', '-v', '/host:/c:ro', '--memory', '64m', '--cpus', '1.5', '--restart', 'on-failure:3',
    '--init', '--entrypoint', '', '--tmpfs', '/run:size=1m', '--ulimit', 'nofile=1024:2048', '--stop-timeout', '5',
    '--health-cmd', 'true', '--health-interval', '10s', 'busybox']).body as any;
  assert.deepEqual(b.ExposedPorts, { '80/tcp': {}, '8081/tcp': {}, '9000/tcp': {}, '9001/tcp': {} });
  assert.deepEqual(b.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }], '8081/tcp': [{ HostIp: '', HostPort: '' }] });
  assert.deepEqual(b.Env, ['A=1', 'HOME_VAR=h', 'UNSET']);
  assert.deepEqual(b.Labels, { k: 'v' });
  assert.deepEqual(b.Volumes, { '/data': {} });
  assert.deepEqual(b.HostConfig.Binds, ['/host:/c:ro']);
  assert.equal(b.HostConfig.Memory, 64 * 1024 * 1024);
  assert.equal(b.HostConfig.NanoCpus, 1500000000);
  assert.deepEqual(b.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(b.HostConfig.Init, true);
  assert.deepEqual(b.Entrypoint, ['']);
  assert.deepEqual(b.HostConfig.Tmpfs, { '/run': 'size=1m' });
  assert.deepEqual(b.HostConfig.Ulimits, [{ Name: 'nofile', Hard: 2048, Soft: 1024 }]);
  assert.equal(b.StopTimeout, 5);
  assert.deepEqual(b.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 10e9 });
  assert.equal(b.Cmd, null);
});

test('port spec and restart parsing', () => {
  assert.deepEqual(parsePortSpec('8000-8001:80-81/udp'), [['80/udp', { HostIp: '', HostPort: '8000' }], ['81/udp', { HostIp: '', HostPort: '8001' }]]);
  assert.deepEqual(parsePortSpec('[::1]:80:80'), [['80/tcp', { HostIp: '::1', HostPort: '80' }]]);
  assert.deepEqual(parseRestart('always'), { Name: 'always', MaximumRetryCount: 0 });
  assert.throws(() => parseRestart('sometimes'), /invalid restart policy/);
  assert.throws(() => build(['--rm', '--restart', 'always', 'busybox']), /Conflicting options/);
});
