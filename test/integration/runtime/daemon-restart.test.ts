// Containers outlive a `kill -9` of the daemon: conmon is detached. A new runtime over the same directories
// reports the exit (and exits that happened while no daemon ran) through onExit, and can still exec/attach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setup, conmonPids, waitFor, RUNC, CONMON, type Harness } from './helpers.js';
import { createRuntime } from '../../../src/runtime/conmon-runtime.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { ExitInfo } from '../../../src/runtime/types.js';

let h: Harness;
before(() => { h = setup('restart'); });
after(async () => { await h.teardown(); });

/** Runs create+start of each container in a child "daemon", then SIGKILLs that process. */
async function createInDoomedDaemon(containers: Array<{ id: string; args: string[] }>): Promise<void> {
  const mod = pathToFileURL(join(process.cwd(), 'dist/src/runtime/conmon-runtime.js')).href;
  const logger = pathToFileURL(join(process.cwd(), 'dist/src/lib/logger.js')).href;
  const items = containers.map((c) => ({
    id: c.id, spec: h.spec(c.id, c.args), bundleDir: join(h.root, 'bundles', c.id), logPath: h.logPath(c.id),
    tty: false, openStdin: false, stdinOnce: false,
  }));
  const script = `
    const { createRuntime } = await import(${JSON.stringify(mod)});
    const { silentLogger } = await import(${JSON.stringify(logger)});
    const rt = createRuntime({ runtimePath: ${JSON.stringify(RUNC)}, conmonPath: ${JSON.stringify(CONMON)},
      runcRoot: ${JSON.stringify(h.runcRoot)}, stateDir: ${JSON.stringify(h.stateDir)}, logger: silentLogger });
    for (const o of ${JSON.stringify(items)}) { await rt.create(o); await rt.start(o.id); }
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => { if (b.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`doomed daemon exited early: ${code}`)));
  });
  child.removeAllListeners('exit');
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

test('containers survive a kill -9 of the daemon; a new runtime reports their exits once', async () => {
  await createInDoomedDaemon([{ id: 'rs-long', args: ['sleep', '1000'] }, { id: 'rs-short', args: ['sh', '-c', 'sleep 0.3'] }]);
  assert.equal((await h.rt.state('rs-long'))?.status, 'running');
  assert.equal(conmonPids('rs-long').length, 1);
  // rs-short exits while "no daemon" runs.
  await waitFor(async () => (await h.rt.exitInfo('rs-short')) !== undefined || undefined, 5000, 'rs-short to exit');

  const rt2 = createRuntime({ runtimePath: RUNC, conmonPath: CONMON, runcRoot: h.runcRoot, stateDir: h.stateDir, logger: silentLogger });
  try {
    const seen: Array<[string, ExitInfo]> = [];
    rt2.onExit((id, info) => seen.push([id, info]));
    await waitFor(() => seen.some(([id]) => id === 'rs-short') || undefined, 5000, 'rs-short reported');

    // The restarted runtime finds the bundle through runc's state and can exec.
    const e = await rt2.exec({ containerId: 'rs-long', execId: 'x1', attach: true, openStdin: false,
      process: { args: ['echo', 'still here'], env: [], workingDir: '', user: '', tty: false, privileged: false } });
    const out: Buffer[] = [];
    e.attach!.onOutput((_s, d) => out.push(Buffer.from(d)));
    assert.equal(await e.exited, 0);
    await new Promise<void>((r) => e.attach!.onClose(r));
    assert.equal(Buffer.concat(out).toString(), 'still here\n');

    await rt2.kill('rs-long', 9);
    await waitFor(() => seen.some(([id]) => id === 'rs-long') || undefined, 5000, 'rs-long reported');
    assert.equal(seen.find(([id]) => id === 'rs-long')![1].exitCode, 137);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(seen.length, 2, 'each exit once');

    // A third runtime start does not report them again.
    const rt3 = createRuntime({ runtimePath: RUNC, conmonPath: CONMON, runcRoot: h.runcRoot, stateDir: h.stateDir, logger: silentLogger });
    const again: string[] = [];
    rt3.onExit((id) => again.push(id));
    await new Promise((r) => setTimeout(r, 300));
    rt3.close();
    assert.deepEqual(again, []);

    await rt2.delete('rs-long');
    await rt2.delete('rs-short');
    assert.deepEqual(await rt2.list(), []);
    assert.deepEqual(conmonPids(h.stateDir), []);
  } finally {
    rt2.close();
  }
});
