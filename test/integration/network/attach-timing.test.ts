// Measures what attach()/detach() add to `docker run` (median of 20). Reports, never asserts a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createNetworkService } from '../../../src/network/index.js';
import type { NetworkService } from '../../../src/network/types.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { containerId, isRoot, makeEnv, type TestEnv } from './helpers.js';

const skip = !isRoot() && 'needs root';
let env: TestEnv;
let svc: NetworkService;

before(async () => {
  if (skip) return;
  env = await makeEnv('t', 2);
  svc = createNetworkService({ config: env.config, logger: silentLogger });
  await svc.init(new Set());
});

after(async () => {
  if (skip) return;
  await svc.shutdown().catch(() => undefined);
  await env.cleanup();
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const mode of ['default', 'none', 'host']) {
  test(`attach/detach timing, ${mode} mode (median of 20)`, { skip }, async (t) => {
    const attach: number[] = [];
    const detach: number[] = [];
    for (let i = 0; i < 21; i++) {
      const id = containerId(0x100 + i);
      const t0 = performance.now();
      await svc.attach({ containerId: id, containerName: `t${i}`, hostname: id.slice(0, 12), mode, containerDir: join(env.root, 'c', id) });
      const t1 = performance.now();
      await svc.detach(id);
      const t2 = performance.now();
      // The first round pays for module and binary caches; leave it out.
      if (i > 0) { attach.push(t1 - t0); detach.push(t2 - t1); }
    }
    assert.equal(attach.length, 20);
    t.diagnostic(`${mode}: attach median ${median(attach).toFixed(1)} ms (min ${Math.min(...attach).toFixed(1)}, max ${Math.max(...attach).toFixed(1)}); detach median ${median(detach).toFixed(1)} ms`);
  });
}

test('attach/detach timing, user-defined network with the 127.0.0.11 redirect (median of 20)', { skip }, async (t) => {
  const net = await svc.createNetwork({
    name: 'timing', driver: 'bridge', internal: false, attachable: false, enableIPv6: false, ipamDriver: 'default', ipamOptions: {},
    ipamConfig: [], options: {}, labels: {}, configOnly: false,
  });
  const attach: number[] = [];
  const detach: number[] = [];
  try {
    for (let i = 0; i < 21; i++) {
      const id = containerId(0x200 + i);
      const t0 = performance.now();
      await svc.attach({ containerId: id, containerName: `u${i}`, hostname: id.slice(0, 12), mode: net.name, containerDir: join(env.root, 'c', id) });
      const t1 = performance.now();
      await svc.detach(id);
      const t2 = performance.now();
      if (i > 0) { attach.push(t1 - t0); detach.push(t2 - t1); }
    }
  } finally {
    await svc.removeNetwork(net.name);
  }
  t.diagnostic(`user network: attach median ${median(attach).toFixed(1)} ms (min ${Math.min(...attach).toFixed(1)}, max ${Math.max(...attach).toFixed(1)}); detach median ${median(detach).toFixed(1)} ms`);
});
