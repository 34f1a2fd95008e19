// Daemon restarts: live restore adopts running containers; a clean stop without it applies restart policies.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, waitFor, sleep, type TestDaemon } from '../../helpers/daemon.js';

const daemons: TestDaemon[] = [];
after(async () => { for (const d of daemons) await d.destroy(); });

test('with --live-restore, kill -9 of berthd leaves containers running and the new daemon adopts them', async () => {
  const d = await startDaemon({ extraArgs: ['--live-restore'] });
  daemons.push(d);
  assert.equal(d.docker(['run', '-d', '--name', 'lr', 'busybox', 'sh', '-c', 'while true; do echo tick; sleep 0.2; done']).code, 0);
  assert.equal(d.docker(['run', '-d', '--name', 'shortlived', 'busybox', 'sh', '-c', 'sleep 1; exit 9']).code, 0);
  const pid = Number(d.docker(['inspect', '-f', '{{.State.Pid}}', 'lr']).stdout.trim());
  assert.ok(pid > 0);
  await d.kill9();
  await sleep(1500); // shortlived exits while the daemon is down
  process.kill(pid, 0); // still alive
  await d.start();
  assert.equal(d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'lr']).stdout.trim(), `running ${pid}`);
  await waitFor(() => d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'shortlived']).stdout.trim() === 'exited 9', 10_000, 'exit recorded');
  assert.match(d.docker(['logs', '--tail', '1', 'lr']).stdout, /tick/);
  const ex = d.docker(['exec', 'lr', 'echo', 'still-here']);
  assert.equal(ex.stdout, 'still-here\n', ex.stderr);
  assert.equal(d.docker(['stop', '-t', '1', 'lr']).code, 0);
  assert.equal(d.docker(['inspect', '-f', '{{.State.Status}}', 'lr']).stdout.trim(), 'exited');
  let alive = true;
  try { process.kill(pid, 0); } catch { alive = false; }
  assert.equal(alive, false);
});

test('without live restore, a clean shutdown stops containers and start-up applies restart policies', async () => {
  const d = await startDaemon();
  daemons.push(d);
  assert.equal(d.docker(['run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sleep', '300']).code, 0);
  assert.equal(d.docker(['run', '-d', '--name', 'unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '300']).code, 0);
  assert.equal(d.docker(['run', '-d', '--name', 'unless-stopped-by-user', '--restart', 'unless-stopped', 'busybox', 'sleep', '300']).code, 0);
  assert.equal(d.docker(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']).code, 0);
  assert.equal(d.docker(['stop', '-t', '0', 'unless-stopped-by-user']).code, 0);
  await d.stop();
  await d.start();
  const status = (n: string) => d.docker(['inspect', '-f', '{{.State.Status}}', n]).stdout.trim();
  await waitFor(() => status('always') === 'running' && status('unless') === 'running', 10_000, 'restarted');
  assert.equal(status('unless-stopped-by-user'), 'exited');
  assert.equal(status('plain'), 'exited');
});
