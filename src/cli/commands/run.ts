// `run` and `create`: build the create body, create (pulling on a 404 when allowed), then for run the reference
// §6 flow: attach on its own connection, wait?condition=next-exit|removed with headers read before start,
// start, stream, exit with the wait StatusCode (125/126/127 for start failures).
import { existsSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { readAll, type Hijacked } from '../../client/api-client.js';
import { ApiError, isNotFound } from '../../client/errors.js';
import type { Parsed } from '../args.js';
import { bool, PROG, StatusError, str, type Cli, type Command } from '../cli.js';
import { JsonMessageError } from '../format/jsonmessage.js';
import { monitorTtySize, proxySignals, streamHijacked } from '../hijack-io.js';
import { pullImage } from '../pull.js';
import { withDefaultTag } from '../reference.js';
import { buildCreateRequest, ConfigError, type CreateRequest } from '../run-config.js';
import { CONTAINER_FLAGS, RUN_ONLY_FLAGS } from '../run-flags.js';

/** docker's run error block: "berth: <msg>\n\nRun 'berth run --help' for more information". */
function runError(cmd: string, msg: string, status = 125): StatusError {
  return new StatusError(status, `${PROG}: ${msg}\n\nRun '${PROG} ${cmd} --help' for more information`);
}

function describeError(e: unknown): string {
  if (e instanceof ApiError) return `Error response from daemon: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Exit code for a failed start, from the daemon's message (docker's toStatusError). */
export function startFailureStatus(msg: string): number {
  if (msg.includes('executable file not found') || msg.includes('no such file or directory') || msg.includes('system cannot find the file specified')) return 127;
  if (msg.includes('permission denied') || msg.includes('cannot execute binary file')) return 126;
  return 125;
}

async function createContainer(cli: Cli, p: Parsed, req: CreateRequest): Promise<string> {
  const pull = str(p, 'pull');
  if (!['always', 'missing', 'never', ''].includes(pull)) {
    throw new ConfigError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);
  }
  const cidfile = str(p, 'cidfile');
  if (cidfile && existsSync(cidfile)) throw new ConfigError(`container ID file found, make sure the other container isn't running or delete ${cidfile}`);
  const doPull = () => pullImage(cli, req.image, { platform: req.platform, quiet: bool(p, 'quiet') });
  if (pull === 'always') await doPull();
  const create = () => cli.client.json<{ Id: string; Warnings?: string[] | null }>('POST', '/containers/create', {
    query: { name: req.name, platform: req.platform }, body: req.body,
  });
  let res;
  try {
    res = await create();
  } catch (e) {
    if (!isNotFound(e) || pull !== 'missing' || !/No such image/i.test((e as ApiError).message)) throw e;
    cli.errLine(`Unable to find image '${withDefaultTag(req.image)}' locally`);
    await doPull();
    res = await create();
  }
  for (const w of res.Warnings ?? []) cli.errLine(`WARNING: ${w}`);
  if (cidfile) writeFileSync(cidfile, res.Id);
  return res.Id;
}

function consoleSize(cli: Cli): [number, number] {
  return cli.stdout.isTTY ? [cli.stdout.rows ?? 0, cli.stdout.columns ?? 0] : [0, 0];
}

async function runRun(cli: Cli, p: Parsed): Promise<number> {
  const detach = bool(p, 'detach');
  let req: CreateRequest;
  try {
    req = buildCreateRequest(p, { env: process.env, consoleSize: consoleSize(cli), detach });
  } catch (e) {
    throw runError('run', describeError(e));
  }
  const cfg = req.body as { AttachStdin: boolean; AttachStdout: boolean; AttachStderr: boolean; Tty: boolean; HostConfig: { AutoRemove: boolean } };
  if (!detach && cfg.AttachStdin && cfg.Tty && !cli.stdin.isTTY) {
    throw new StatusError(1, 'the input device is not a TTY');
  }
  let id: string;
  try {
    id = await createContainer(cli, p, req);
  } catch (e) {
    if (e instanceof JsonMessageError) throw runError('run', e.message);
    throw runError('run', describeError(e));
  }
  const client = cli.client;

  if (detach) {
    try {
      await client.call('POST', `/containers/${id}/start`);
    } catch (e) {
      throw runError('run', describeError(e), startFailureStatus(describeError(e)));
    }
    cli.outLine(id);
    return 0;
  }

  const attached = cfg.AttachStdin || cfg.AttachStdout || cfg.AttachStderr;
  let hj: Hijacked | undefined;
  if (attached) {
    const query: Record<string, string> = { stream: '1' };
    if (cfg.AttachStdin) query.stdin = '1';
    if (cfg.AttachStdout) query.stdout = '1';
    if (cfg.AttachStderr) query.stderr = '1';
    if (str(p, 'detach-keys')) query.detachKeys = str(p, 'detach-keys');
    try {
      hj = await client.hijack('POST', `/containers/${id}/attach`, { query });
    } catch (e) {
      throw runError('run', describeError(e));
    }
  }
  // Headers of wait must be in before start (gotcha 1); the body arrives when the container exits.
  let waitRes: IncomingMessage;
  try {
    waitRes = await client.request('POST', `/containers/${id}/wait`, {
      query: { condition: cfg.HostConfig.AutoRemove ? 'removed' : 'next-exit' },
    });
  } catch (e) {
    hj?.socket.destroy();
    throw runError('run', describeError(e));
  }
  const statusPromise = readAll(waitRes).then(parseWaitBody, () => ({ code: 125, error: 'wait failed' }));

  const streaming = hj
    ? streamHijacked(cli, hj, { tty: cfg.Tty, stdin: cfg.AttachStdin, stdout: cfg.AttachStdout, stderr: cfg.AttachStderr, detachKeys: str(p, 'detach-keys') })
    : Promise.resolve('done' as const);

  try {
    await client.call('POST', `/containers/${id}/start`);
  } catch (e) {
    hj?.socket.destroy();
    await streaming.catch(() => {});
    if (cfg.HostConfig.AutoRemove) await statusPromise;
    const msg = describeError(e);
    throw runError('run', msg, startFailureStatus(msg));
  }

  const stopResize = cfg.Tty ? monitorTtySize(cli, (h, w) => client.call('POST', `/containers/${id}/resize`, { query: { h, w } })) : () => {};
  const stopSignals = !cfg.Tty && p.flags['sig-proxy'] !== false ? proxySignals(cli, id) : () => {};
  try {
    const r = await streaming;
    if (r === 'detached') return 0;
  } catch (e) {
    throw new StatusError(1, describeError(e));
  } finally {
    stopResize();
  }
  const status = await statusPromise;
  stopSignals();
  if (status.error) {
    cli.errLine(`${PROG}: Error response from daemon: ${status.error}`);
    return 125;
  }
  return status.code;
}

/** Parse `{"StatusCode":N,"Error":null|{"Message":..}}`; a non-null Error means exit 125. */
export function parseWaitBody(buf: Buffer): { code: number; error?: string } {
  const text = buf.toString('utf8').trim();
  if (!text) return { code: 125, error: 'unexpected end of wait stream' };
  const body = JSON.parse(text.split('\n').pop()!) as { StatusCode?: number; Error?: { Message?: string } | null };
  if (body.Error) return { code: 125, error: body.Error.Message ?? 'unknown error' };
  return { code: body.StatusCode ?? 0 };
}

async function runCreate(cli: Cli, p: Parsed): Promise<number> {
  let req: CreateRequest;
  try {
    req = buildCreateRequest(p, { env: process.env, consoleSize: consoleSize(cli), detach: false });
  } catch (e) {
    throw runError('create', describeError(e));
  }
  try {
    const id = await createContainer(cli, p, req);
    cli.outLine(id);
    return 0;
  } catch (e) {
    throw runError('create', describeError(e));
  }
}

export const run: Command = {
  spec: {
    name: 'run', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', desc: 'Create and run a new container from an image',
    flags: [...CONTAINER_FLAGS, ...RUN_ONLY_FLAGS].sort((a, b) => a.name.localeCompare(b.name)),
    interspersed: false, minArgs: 1, aliases: ['container run', 'run'],
  },
  run: runRun,
};

export const create: Command = {
  spec: {
    name: 'create', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', desc: 'Create a new container',
    flags: CONTAINER_FLAGS, interspersed: false, minArgs: 1, aliases: ['container create', 'create'],
  },
  run: runCreate,
};
