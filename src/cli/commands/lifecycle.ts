// start, stop, restart, kill, rm, rename, pause, unpause, wait: one request per container, run in parallel,
// names echoed in argument order, errors printed one per line and exit 1 (rm -f ignores not-found).
import { readAll } from '../../client/api-client.js';
import { ApiError, isNotFound } from '../../client/errors.js';
import type { FlagDef, Parsed } from '../args.js';
import { bool, list, num, StatusError, str, type Cli, type Command } from '../cli.js';
import { streamHijacked } from '../hijack-io.js';
import { parseWaitBody } from './run.js';

const errText = (e: unknown) => (e instanceof ApiError ? `Error response from daemon: ${e.message}` : e instanceof Error ? e.message : String(e));

/** Run `op` for every container in parallel; print names in order; aggregate errors as docker's errors.Join. */
async function forEach(cli: Cli, names: string[], op: (n: string) => Promise<string | void>, opts: { ignoreNotFound?: boolean } = {}): Promise<number> {
  const results = await Promise.allSettled(names.map(op));
  const errs: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') { cli.outLine(typeof r.value === 'string' ? r.value : names[i]!); return; }
    if (opts.ignoreNotFound && isNotFound(r.reason)) { cli.errLine(errText(r.reason)); return; }
    errs.push(errText(r.reason));
  });
  if (errs.length) throw new StatusError(1, errs.join('\n'));
  return 0;
}

const help: FlagDef = { name: 'help', type: 'bool', desc: 'Print usage' };

export const start: Command = {
  spec: {
    name: 'start', usage: '[OPTIONS] CONTAINER [CONTAINER...]', desc: 'Start one or more stopped containers', minArgs: 1,
    flags: [
      { name: 'attach', short: 'a', type: 'bool', desc: 'Attach STDOUT/STDERR and forward signals' },
      { name: 'checkpoint', type: 'string', desc: 'Restore from this checkpoint' },
      { name: 'checkpoint-dir', type: 'string', desc: 'Use a custom checkpoint storage directory' },
      { name: 'detach-keys', type: 'string', desc: 'Override the key sequence for detaching a container' },
      { name: 'interactive', short: 'i', type: 'bool', desc: "Attach container's STDIN" }, help,
    ],
  },
  async run(cli, p) {
    const client = cli.client;
    if (bool(p, 'attach') || bool(p, 'interactive')) {
      if (p.args.length > 1) throw new StatusError(1, 'you cannot attach to multiple containers at once');
      const name = p.args[0]!;
      const info = await client.json<{ Id: string; Config: { Tty: boolean; OpenStdin: boolean } }>('GET', `/containers/${name}/json`);
      const stdin = bool(p, 'interactive') && info.Config.OpenStdin;
      const query: Record<string, string> = { stderr: '1', stdout: '1', stream: '1' };
      if (stdin) query.stdin = '1';
      if (str(p, 'detach-keys')) query.detachKeys = str(p, 'detach-keys');
      const hj = await client.hijack('POST', `/containers/${info.Id}/attach`, { query });
      const waitRes = await client.request('POST', `/containers/${info.Id}/wait`, { query: { condition: 'next-exit' } });
      const status = readAll(waitRes).then(parseWaitBody);
      const streaming = streamHijacked(cli, hj, { tty: info.Config.Tty, stdin, stdout: true, stderr: true, detachKeys: str(p, 'detach-keys') });
      try { await client.call('POST', `/containers/${info.Id}/start`); } catch (e) { hj.socket.destroy(); throw e; }
      if ((await streaming) === 'detached') return 0;
      const s = await status;
      return s.error ? 125 : s.code;
    }
    const failed: string[] = [];
    for (const name of p.args) {
      try { await client.call('POST', `/containers/${name}/start`); cli.outLine(name); } catch (e) {
        cli.errLine(errText(e)); failed.push(name);
      }
    }
    if (failed.length) throw new StatusError(1, `Error: failed to start containers: ${failed.join(', ')}`);
    return 0;
  },
};

const stopFlags: FlagDef[] = [
  { name: 'signal', short: 's', type: 'string', desc: 'Signal to send to the container' },
  { name: 'timeout', short: 't', type: 'int', desc: 'Seconds to wait before killing the container' },
  { name: 'time', type: 'int', hidden: true }, help,
];
const stopQuery = (p: Parsed) => ({
  signal: str(p, 'signal') || undefined,
  t: p.changed.has('timeout') ? num(p, 'timeout') : p.changed.has('time') ? num(p, 'time') : undefined,
});

export const stop: Command = {
  spec: { name: 'stop', usage: '[OPTIONS] CONTAINER [CONTAINER...]', desc: 'Stop one or more running containers', minArgs: 1, flags: stopFlags },
  run: (cli, p) => forEach(cli, p.args, (n) => cli.client.call('POST', `/containers/${n}/stop`, { query: stopQuery(p) }).then(() => {})),
};

export const restart: Command = {
  spec: { name: 'restart', usage: '[OPTIONS] CONTAINER [CONTAINER...]', desc: 'Restart one or more containers', minArgs: 1, flags: stopFlags },
  run: (cli, p) => forEach(cli, p.args, (n) => cli.client.call('POST', `/containers/${n}/restart`, { query: stopQuery(p) }).then(() => {})),
};

export const kill: Command = {
  spec: {
    name: 'kill', usage: '[OPTIONS] CONTAINER [CONTAINER...]', desc: 'Kill one or more running containers', minArgs: 1,
    flags: [{ name: 'signal', short: 's', type: 'string', desc: 'Signal to send to the container' }, help],
  },
  run: (cli, p) => forEach(cli, p.args, (n) => cli.client.call('POST', `/containers/${n}/kill`, { query: { signal: str(p, 'signal') || undefined } }).then(() => {})),
};

export const rm: Command = {
  spec: {
    name: 'rm', usage: '[OPTIONS] CONTAINER [CONTAINER...]', desc: 'Remove one or more containers', minArgs: 1,
    aliases: ['container rm', 'container remove', 'rm'],
    flags: [
      { name: 'force', short: 'f', type: 'bool', desc: 'Force the removal of a running container (uses SIGKILL)' },
      { name: 'link', short: 'l', type: 'bool', desc: 'Remove the specified link' },
      { name: 'volumes', short: 'v', type: 'bool', desc: 'Remove anonymous volumes associated with the container' }, help,
    ],
  },
  run: (cli, p) => forEach(cli, p.args, (n) => {
    const name = n.replace(/^\/+/, '');
    if (name === '') return Promise.reject(new Error('Container name cannot be empty'));
    return cli.client.call('DELETE', `/containers/${name}`, {
      query: { force: bool(p, 'force') || undefined, link: bool(p, 'link') || undefined, v: bool(p, 'volumes') || undefined },
    }).then(() => {});
  }, { ignoreNotFound: bool(p, 'force') }),
};

export const rename: Command = {
  spec: { name: 'rename', usage: 'CONTAINER NEW_NAME', desc: 'Rename a container', minArgs: 2, maxArgs: 2, flags: [help] },
  async run(cli, p) {
    const [oldName, newName] = p.args as [string, string];
    if (oldName.trim() === '' || newName.trim() === '') throw new StatusError(1, 'Error: Neither old nor new names may be empty');
    await cli.client.call('POST', `/containers/${oldName}/rename`, { query: { name: newName } });
    return 0;
  },
};

export const pause: Command = {
  spec: { name: 'pause', usage: 'CONTAINER [CONTAINER...]', desc: 'Pause all processes within one or more containers', minArgs: 1, flags: [help] },
  run: (cli, p) => forEach(cli, p.args, (n) => cli.client.call('POST', `/containers/${n}/pause`).then(() => {})),
};

export const unpause: Command = {
  spec: { name: 'unpause', usage: 'CONTAINER [CONTAINER...]', desc: 'Unpause all processes within one or more containers', minArgs: 1, flags: [help] },
  run: (cli, p) => forEach(cli, p.args, (n) => cli.client.call('POST', `/containers/${n}/unpause`).then(() => {})),
};

export const wait: Command = {
  spec: { name: 'wait', usage: 'CONTAINER [CONTAINER...]', desc: 'Block until one or more containers stop, then print their exit codes', minArgs: 1, flags: [help] },
  run: (cli, p) => forEach(cli, p.args, async (n) => {
    const res = await cli.client.request('POST', `/containers/${n}/wait`);
    const s = parseWaitBody(await readAll(res));
    if (s.error) throw new Error(s.error);
    return String(s.code);
  }),
};

export const _internal = { forEach, list };
