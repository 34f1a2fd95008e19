// docker-py (Debian's python3-docker) against berthd: runs test/compat/docker_py_check.py with DOCKER_HOST set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startDaemon, REPO, type TestDaemon } from '../helpers/daemon.js';

// apt installs python3-docker for the system interpreter; a pyenv python3 earlier in PATH would not see it.
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO, 'test/compat/docker_py_check.py');

let d: TestDaemon;

before(async () => {
  d = await startDaemon();
});

after(async () => {
  await d?.destroy();
});

function runPython(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { out += c; });
    const timer = setTimeout(() => { out += `\n[killed after ${timeoutMs} ms]`; p.kill('SIGKILL'); }, timeoutMs);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

test('docker-py: from_env, containers.run, exec_run, list filters, logs stream, images, version, events', async (t) => {
  const r = await runPython([SCRIPT], { DOCKER_HOST: d.host, DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '', PYTHONUNBUFFERED: '1' }, 240_000);
  assert.equal(r.code, 0, `docker_py_check.py failed:\n${r.out}`);
  assert.match(r.out, /docker-py checks passed/);
  const passed = r.out.split('\n').filter((l) => l.startsWith('ok ')).map((l) => l.slice(3));
  assert.equal(passed.length, 8, `expected 8 checks, got:\n${passed.join('\n')}`);
  for (const name of passed) t.diagnostic(`docker-py ok: ${name}`);
});
