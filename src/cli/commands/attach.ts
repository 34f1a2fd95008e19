// `attach`: refuse stopped/paused/restarting containers, hijack, wait, stream; detach → "read escape sequence".
import { readAll } from '../../client/api-client.js';
import { bool, StatusError, str, type Command } from '../cli.js';
import { monitorTtySize, proxySignals, streamHijacked } from '../hijack-io.js';
import { parseWaitBody } from './run.js';

interface Inspect { Id: string; Config: { Tty: boolean; OpenStdin: boolean }; State: { Running: boolean; Paused: boolean; Restarting: boolean } }

export const attach: Command = {
  spec: {
    name: 'attach', usage: '[OPTIONS] CONTAINER', desc: 'Attach local standard input, output, and error streams to a running container',
    minArgs: 1, maxArgs: 1, aliases: ['container attach', 'attach'],
    flags: [
      { name: 'detach-keys', type: 'string', desc: 'Override the key sequence for detaching a container' },
      { name: 'help', type: 'bool', desc: 'Print usage' },
      { name: 'no-stdin', type: 'bool', desc: 'Do not attach STDIN' },
      { name: 'sig-proxy', type: 'bool', default: true, desc: 'Proxy all received signals to the process' },
    ],
  },
  async run(cli, p) {
    const client = cli.client;
    const info = await client.json<Inspect>('GET', `/containers/${p.args[0]}/json`);
    if (!info.State.Running) throw new StatusError(1, 'You cannot attach to a stopped container, start it first');
    if (info.State.Paused) throw new StatusError(1, 'You cannot attach to a paused container, unpause it first');
    if (info.State.Restarting) throw new StatusError(1, 'You cannot attach to a restarting container, wait until it is running');
    const stdin = info.Config.OpenStdin && !bool(p, 'no-stdin');
    if (stdin && info.Config.Tty && !cli.stdin.isTTY) throw new StatusError(1, 'the input device is not a TTY');
    const query: Record<string, string> = { stderr: '1', stdout: '1', stream: '1' };
    if (stdin) query.stdin = '1';
    if (str(p, 'detach-keys')) query.detachKeys = str(p, 'detach-keys');
    const waitRes = await client.request('POST', `/containers/${info.Id}/wait`);
    const status = readAll(waitRes).then(parseWaitBody, () => ({ code: 0 } as { code: number; error?: string }));
    const hj = await client.hijack('POST', `/containers/${info.Id}/attach`, { query });
    const stopResize = info.Config.Tty ? monitorTtySize(cli, (h, w) => client.call('POST', `/containers/${info.Id}/resize`, { query: { h, w } })) : () => {};
    const stopSignals = !info.Config.Tty && p.flags['sig-proxy'] !== false ? proxySignals(cli, info.Id) : () => {};
    try {
      const r = await streamHijacked(cli, hj, { tty: info.Config.Tty, stdin, stdout: true, stderr: true, detachKeys: str(p, 'detach-keys') });
      if (r === 'detached') throw new StatusError(1, 'read escape sequence');
    } finally { stopResize(); stopSignals(); }
    const s = await status;
    if (s.error) throw new StatusError(125, s.error);
    return s.code;
  },
};
