// `docker exec` through conmon: one conmon per exec session runs `runc exec --detach`, holds the process's
// stdio (attach socket and ctl fifo in the session dir) and reports the PID and later the exit code on the
// sync pipe. --exec-attach makes conmon wait on the start pipe until we are attached, so no output is lost.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ExecHandle, ExecOptions, HostInfo } from './types.js';
import type { Logger } from '../lib/logger.js';
import { launchConmon } from './conmon-launch.js';
import { connectAttach } from './attach.js';
import { buildExecProcess } from './exec-spec.js';
import { readExitFile } from './exit-watcher.js';
import { ociError } from './runtime-errors.js';
import { writeCtl } from './ctl.js';

export interface ExecContext {
  conmonPath: string;
  runtimePath: string;
  runcRoot: string;
  logger: Logger;
  host: () => HostInfo;
}

export async function startExec(ctx: ExecContext, o: ExecOptions, dir: string, bundle: string): Promise<ExecHandle> {
  const exitDir = join(dir, 'exits');
  const [specText] = await Promise.all([
    fs.readFile(join(bundle, 'config.json'), 'utf8'),
    fs.mkdir(exitDir, { recursive: true }),
  ]);
  const proc = buildExecProcess(JSON.parse(specText), o.process, ctx.host());
  const processFile = join(dir, 'process.json');
  await fs.writeFile(processFile, JSON.stringify(proc));

  const args = [
    '--api-version', '1', '-c', o.containerId, '-u', o.execId, '-r', ctx.runtimePath, '-b', dir,
    '-p', join(dir, 'pid'), '-n', o.containerId, '--exit-dir', exitDir, '--persist-dir', dir,
    '--full-attach', '-l', 'none', '--log-level', 'error', '--runtime-arg', `--root=${ctx.runcRoot}`,
  ];
  if (o.process.tty) args.push('-t');
  else if (o.openStdin && o.attach) args.push('-i');
  args.push('-e', '--exec-attach', '--exec-process-spec', processFile);

  const cp = launchConmon(ctx.conmonPath, args, { cwd: dir, exec: true });
  const failLaunch = async (what: string): Promise<never> => {
    let detail = '';
    await cp.launched.catch((e: Error) => { detail = ': ' + e.message; });
    cp.release();
    throw new Error(`conmon exited before ${what}${detail}`);
  };
  // First write: conmon's main process proceeds to set up the attach socket.
  cp.start!.write('0');
  const ready = await cp.attach!.next();
  if (!ready) return failLaunch('its attach socket was ready');
  const attach = o.attach ? await connectAttach(dir) : undefined;
  // Second write: conmon's child runs `runc exec`.
  cp.start!.write('0');
  const first = await cp.sync.next();
  if (!first) { attach?.close(); return failLaunch('reporting the exec PID'); }
  if (first.data < 0) {
    attach?.close();
    cp.release();
    throw ociError('exec', first.message ?? `exit status ${-first.data}`);
  }
  const exited = cp.sync.next().then(async (m) => {
    cp.release();
    if (m) return m.data;
    // conmon died or our pipe broke: its exit file is the only other record.
    const f = await readExitFile(exitDir, o.containerId);
    return f ? f.code : -1;
  });
  return {
    pid: first.data,
    attach,
    exited,
    resize: (h, w) => writeCtl(dir, h, w),
  };
}
