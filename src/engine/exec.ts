// Exec sessions: created against a running container, started once (attached or detached), inspected after.
import { newId } from '../lib/ids.js';
import { conflict, invalid, notFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { ExecHandle } from '../runtime/types.js';
import type { Runtime } from '../runtime/types.js';
import type { ContainerService } from './containers/service.js';
import type { ContainerRecord } from './containers/model.js';

export interface ExecConfig {
  User: string;
  Privileged: boolean;
  Tty: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Env: string[];
  WorkingDir: string;
  Cmd: string[];
  DetachKeys: string;
}

export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  handle?: ExecHandle;
  /** Resize requests that arrived before the process existed. */
  pendingSize?: [number, number];
}

export class ExecService {
  private execs = new Map<string, ExecRecord>();
  constructor(private containers: ContainerService, private runtime: Runtime, private logger: Logger) {}

  create(containerRef: string, body: Record<string, unknown>): string {
    const c = this.containers.get(containerRef);
    if (c.state.status === 'paused') throw conflict(`Container ${c.id} is paused, unpause the container before exec`);
    if (c.state.status !== 'running') throw conflict(`Container ${c.id} is not running`);
    const cmd = Array.isArray(body.Cmd) ? body.Cmd.map(String) : typeof body.Cmd === 'string' ? [body.Cmd] : [];
    if (cmd.length === 0) throw invalid('No exec command specified');
    if (body.Env != null && !Array.isArray(body.Env)) throw invalid('json: cannot unmarshal into Go struct field ExecConfig.Env of type []string');
    const wd = typeof body.WorkingDir === 'string' ? body.WorkingDir : '';
    if (wd && !wd.startsWith('/')) throw invalid(`the working directory '${wd}' is invalid, it needs to be an absolute path`);
    const id = newId();
    const rec: ExecRecord = {
      id, containerId: c.id, running: false, started: false, exitCode: null, pid: 0,
      config: {
        User: typeof body.User === 'string' ? body.User : '',
        Privileged: !!body.Privileged,
        Tty: !!body.Tty,
        AttachStdin: !!body.AttachStdin,
        AttachStdout: !!body.AttachStdout,
        AttachStderr: !!body.AttachStderr,
        Env: Array.isArray(body.Env) ? body.Env.map(String) : [],
        WorkingDir: wd,
        Cmd: cmd,
        DetachKeys: typeof body.DetachKeys === 'string' ? body.DetachKeys : '',
      },
    };
    this.execs.set(id, rec);
    c.execIds.push(id);
    this.containers.event(c, `exec_create: ${cmd.join(' ')}`, { execID: id });
    return id;
  }

  get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    return e;
  }

  /** Checks that the exec can start, before the API layer hijacks the connection. */
  checkStartable(id: string): { exec: ExecRecord; container: ContainerRecord } {
    const exec = this.get(id);
    if (exec.started) throw conflict(`Error: Exec command ${id} has already run`);
    const container = this.containers.get(exec.containerId);
    if (container.state.status !== 'running') throw conflict(`Container ${container.id} is not running`);
    return { exec, container };
  }

  /** Starts the process; `attach` decides whether stdio is connected. Resolves once it is running. */
  async start(id: string, attach: boolean, tty?: boolean): Promise<ExecRecord> {
    const { exec, container } = this.checkStartable(id);
    exec.started = true;
    if (tty !== undefined) exec.config.Tty = tty;
    const c = exec.config;
    const env = [...container.config.Env.filter((e) => !c.Env.some((x) => x.split('=')[0] === e.split('=')[0])), ...c.Env];
    let handle: ExecHandle;
    try {
      handle = await this.runtime.exec({
        containerId: container.id, execId: id, attach, openStdin: c.AttachStdin,
        process: { args: c.Cmd, env, workingDir: c.WorkingDir || container.config.WorkingDir || '/', user: c.User || container.config.User, tty: c.Tty, privileged: c.Privileged },
      });
    } catch (e) {
      // dockerd's translateContainerdStartErr: a missing binary is 127, anything else that stops the start 126.
      exec.exitCode = /executable file not found|no such file or directory/i.test(String((e as Error)?.message ?? e)) ? 127 : 126;
      throw e;
    }
    exec.handle = handle;
    exec.pid = handle.pid;
    exec.running = true;
    this.containers.event(container, `exec_start: ${c.Cmd.join(' ')}`, { execID: id });
    if (exec.pendingSize) void handle.resize(...exec.pendingSize).catch(() => undefined);
    void handle.exited.then((code) => {
      exec.exitCode = code;
      exec.running = false;
      exec.pid = 0;
      this.containers.event(container, 'exec_die', { execID: id, exitCode: String(code) });
    }, (e) => {
      exec.exitCode = 126;
      exec.running = false;
      this.logger.warn('exec failed', { id, err: String(e) });
    });
    return exec;
  }

  async resize(id: string, h: number, w: number): Promise<void> {
    const exec = this.get(id);
    if (!exec.handle) { exec.pendingSize = [h, w]; return; }
    await exec.handle.resize(h, w);
  }

  /** Forgets the execs of a removed container. */
  dropContainer(c: ContainerRecord): void {
    for (const id of c.execIds) this.execs.delete(id);
  }

  inspect(id: string): Record<string, unknown> {
    const e = this.get(id);
    return {
      ID: e.id, Running: e.running, ExitCode: e.exitCode, ProcessConfig: {
        tty: e.config.Tty, entrypoint: e.config.Cmd[0], arguments: e.config.Cmd.slice(1), privileged: e.config.Privileged, user: e.config.User,
      },
      OpenStdin: e.config.AttachStdin, OpenStderr: e.config.AttachStderr, OpenStdout: e.config.AttachStdout,
      CanRemove: false, ContainerID: e.containerId, DetachKeys: e.config.DetachKeys, Pid: e.pid,
    };
  }
}
