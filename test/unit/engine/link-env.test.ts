import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envWithLinks, legacyLinkEnv, parseLinkSpec } from '../../../src/engine/containers/link-env.js';
import type { ContainerRecord } from '../../../src/engine/containers/model.js';
import type { SandboxInfo } from '../../../src/network/types.js';

test('one link: default port, every exposed port, the name and the env without HOME and PATH', () => {
  const env = legacyLinkEnv({
    containerName: 'web', alias: 'db-main', ip: '172.17.0.5', exposedPorts: ['5432/tcp', '53/udp', '53/tcp', '8080'],
    env: ['PATH=/usr/bin', 'HOME=/root', 'PGDATA=/var/lib/pg', 'EMPTY=', 'A=b=c', 'junk'],
  });
  assert.deepEqual(env, [
    'DB_MAIN_PORT=tcp://172.17.0.5:53',
    'DB_MAIN_PORT_53_TCP=tcp://172.17.0.5:53', 'DB_MAIN_PORT_53_TCP_ADDR=172.17.0.5', 'DB_MAIN_PORT_53_TCP_PORT=53', 'DB_MAIN_PORT_53_TCP_PROTO=tcp',
    'DB_MAIN_PORT_53_UDP=udp://172.17.0.5:53', 'DB_MAIN_PORT_53_UDP_ADDR=172.17.0.5', 'DB_MAIN_PORT_53_UDP_PORT=53', 'DB_MAIN_PORT_53_UDP_PROTO=udp',
    'DB_MAIN_PORT_5432_TCP=tcp://172.17.0.5:5432', 'DB_MAIN_PORT_5432_TCP_ADDR=172.17.0.5', 'DB_MAIN_PORT_5432_TCP_PORT=5432', 'DB_MAIN_PORT_5432_TCP_PROTO=tcp',
    'DB_MAIN_PORT_8080_TCP=tcp://172.17.0.5:8080', 'DB_MAIN_PORT_8080_TCP_ADDR=172.17.0.5', 'DB_MAIN_PORT_8080_TCP_PORT=8080', 'DB_MAIN_PORT_8080_TCP_PROTO=tcp',
    'DB_MAIN_NAME=/web/db-main',
    'DB_MAIN_ENV_PGDATA=/var/lib/pg', 'DB_MAIN_ENV_EMPTY=', 'DB_MAIN_ENV_A=b=c',
  ]);
  assert.deepEqual(legacyLinkEnv({ containerName: 'w', alias: 'x', ip: '10.0.0.2', exposedPorts: [], env: [] }), ['X_NAME=/w/x']);
});

test('link specs: bare, aliased, and the stored /target:/container/alias form', () => {
  assert.deepEqual(parseLinkSpec('db'), { target: 'db', alias: 'db' });
  assert.deepEqual(parseLinkSpec('db:pg'), { target: 'db', alias: 'pg' });
  assert.deepEqual(parseLinkSpec('/db:/web/pg'), { target: 'db', alias: 'pg' });
});

const sandbox = (network: string, ip: string): SandboxInfo => ({
  netnsPath: '/x', resolvConfPath: '', hostsPath: '', hostnamePath: '',
  endpoints: [{ networkName: network, networkId: 'n', endpointId: 'e', ipAddress: ip, ipPrefixLen: 16, gateway: '', macAddress: '' }],
});
const record = (name: string, extra: { env?: string[]; links?: string[]; status?: string; sb?: SandboxInfo; ports?: string[] }) => ({
  id: name.repeat(8), name: `/${name}`, config: { Env: extra.env ?? [], ExposedPorts: Object.fromEntries((extra.ports ?? []).map((p) => [p, {}])) },
  hostConfig: { Links: extra.links ?? null, NetworkMode: 'bridge' }, state: { status: extra.status ?? 'running' }, sandbox: extra.sb,
}) as unknown as ContainerRecord;

test('the container env: links first, its own values win, only on the default bridge, only running targets', () => {
  const db = record('db', { env: ['PATH=/bin', 'PW=x'], ports: ['80/tcp'], sb: sandbox('bridge', '172.17.0.9') });
  const off = record('off', { status: 'exited' });
  const find = (r: string) => { const c = { db, off }[r]; if (!c) throw new Error('no such container'); return c; };
  const web = record('web', { env: ['PATH=/usr/bin', 'PG_ENV_PW=mine'], links: ['/db:/web/pg', 'off:o', 'gone:g'] });
  assert.deepEqual(envWithLinks(web, sandbox('bridge', '172.17.0.10'), find), [
    'PG_PORT=tcp://172.17.0.9:80', 'PG_PORT_80_TCP=tcp://172.17.0.9:80', 'PG_PORT_80_TCP_ADDR=172.17.0.9', 'PG_PORT_80_TCP_PORT=80',
    'PG_PORT_80_TCP_PROTO=tcp', 'PG_NAME=/web/pg', 'PATH=/usr/bin', 'PG_ENV_PW=mine',
  ]);
  assert.deepEqual(envWithLinks(web, sandbox('mynet', '10.1.0.2'), find), ['PATH=/usr/bin', 'PG_ENV_PW=mine']);
});

test('runs of three or more consecutive ports get dockerd\'s _START/_END variables', () => {
  const env = legacyLinkEnv({ containerName: 'web', alias: 'db', ip: '10.0.0.2', exposedPorts: ['8000/tcp', '8001/tcp', '8002/tcp', '9000/tcp', '9001/tcp'], env: [] });
  const ranged = env.filter((e) => /_(START|END)=/.test(e) || /_PORT_8000_TCP_(ADDR|PROTO)=/.test(e));
  assert.deepEqual(ranged, [
    'DB_PORT_8000_TCP_START=tcp://10.0.0.2:8000', 'DB_PORT_8000_TCP_ADDR=10.0.0.2', 'DB_PORT_8000_TCP_PROTO=tcp', 'DB_PORT_8000_TCP_PORT_START=8000',
    'DB_PORT_8000_TCP_END=tcp://10.0.0.2:8002', 'DB_PORT_8000_TCP_PORT_END=8002',
    // the per-port block repeats ADDR/PROTO for 8000 itself
    'DB_PORT_8000_TCP_ADDR=10.0.0.2', 'DB_PORT_8000_TCP_PROTO=tcp',
  ]);
  // two consecutive ports are not a run
  assert.ok(!env.some((e) => e.startsWith('DB_PORT_9000_TCP_START')));
});
