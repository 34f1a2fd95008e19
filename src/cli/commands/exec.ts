// `exec`: create the exec, start it on a hijacked connection (or detached), stream, exit with its ExitCode.
import { bool, list, StatusError, str, type Command } from '../cli.js';
import { monitorTtySize, streamHijacked } from '../hijack-io.js';
import { expandEnv, readKvFile } from '../run-config.js';

export const exec: Command = {
  spec: {
    name: 'exec', usage: '[OPTIONS] CONTAINER COMMAND [ARG...]', desc: 'Execute a command in a running container',
    minArgs: 2, interspersed: false, aliases: ['container exec', 'exec'],
    flags: [
      { name: 'detach', short: 'd', type: 'bool', desc: 'Detached mode: run command in the background' },
      { name: 'detach-keys', type: 'string', desc: 'Override the key sequence for detaching a container' },
      { name: 'env', short: 'e', type: 'list', desc: 'Set environment variables' },
      { name: 'env-file', type: 'list', desc: 'Read in a file of environment variables' },
      { name: 'help', type: 'bool', desc: 'Print usage' },
      { name: 'interactive', short: 'i', type: 'bool', desc: 'Keep STDIN open even if not attached' },
      { name: 'privileged', type: 'bool', desc: 'Give extended privileges to the command' },
      { name: 'tty', short: 't', type: 'bool', desc: 'Allocate a pseudo-TTY' },
      { name: 'user', short: 'u', type: 'string', desc: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
      { name: 'workdir', short: 'w', type: 'string', desc: 'Working directory inside the container' },
    ],
  },
  async run(cli, p) {
    const [container, ...cmd] = p.args as [string, ...string[]];
    const detach = bool(p, 'detach');
    const tty = bool(p, 'tty');
    const interactive = bool(p, 'interactive');
    if (!detach && interactive && tty && !cli.stdin.isTTY) throw new StatusError(1, 'the input device is not a TTY');
    let env: string[];
    try {
      env = [...list(p, 'env-file').flatMap((f) => readKvFile(f, process.env, true)), ...list(p, 'env').map((e) => expandEnv(e, process.env))];
    } catch (e) { throw new StatusError(1, (e as Error).message); }
    const consoleSize: [number, number] | undefined = tty && cli.stdout.isTTY ? [cli.stdout.rows ?? 0, cli.stdout.columns ?? 0] : undefined;
    const body: Record<string, unknown> = { User: str(p, 'user'), Privileged: bool(p, 'privileged'), Tty: tty };
    if (consoleSize) body.ConsoleSize = consoleSize;
    Object.assign(body, {
      AttachStdin: !detach && interactive, AttachStderr: !detach, AttachStdout: !detach, Detach: detach,
      DetachKeys: str(p, 'detach-keys'), Env: env.length ? env : null, WorkingDir: str(p, 'workdir'), Cmd: cmd,
    });
    const client = cli.client;
    const created = await client.json<{ Id: string }>('POST', `/containers/${container}/exec`, { body });
    const startBody: Record<string, unknown> = { Detach: detach, Tty: tty };
    if (consoleSize) startBody.ConsoleSize = consoleSize;
    if (detach) {
      await client.call('POST', `/exec/${created.Id}/start`, { body: startBody });
      return 0;
    }
    const hj = await client.hijack('POST', `/exec/${created.Id}/start`, { body: startBody });
    const stopResize = tty ? monitorTtySize(cli, (h, w) => client.call('POST', `/exec/${created.Id}/resize`, { query: { h, w } })) : () => {};
    let r;
    try {
      r = await streamHijacked(cli, hj, { tty, stdin: interactive, stdout: true, stderr: true, detachKeys: str(p, 'detach-keys') });
    } finally { stopResize(); }
    if (r === 'detached') return 0;
    const info = await client.json<{ ExitCode: number | null; Running: boolean }>('GET', `/exec/${created.Id}/json`);
    return info.ExitCode ?? 0;
  },
};
