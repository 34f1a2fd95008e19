// `logs`: inspect for the full ID and Config.Tty (framing is decided client-side), then stream the logs.
import { copyRaw, demuxStream } from '../../client/stdcopy.js';
import { bool, StatusError, str, type Command } from '../cli.js';
import { getTimestamp } from '../format/units.js';

export const logs: Command = {
  spec: {
    name: 'logs', usage: '[OPTIONS] CONTAINER', desc: 'Fetch the logs of a container', minArgs: 1, maxArgs: 1,
    aliases: ['container logs', 'logs'],
    flags: [
      { name: 'details', type: 'bool', desc: 'Show extra details provided to logs' },
      { name: 'follow', short: 'f', type: 'bool', desc: 'Follow log output' },
      { name: 'help', type: 'bool', desc: 'Print usage' },
      { name: 'since', type: 'string', desc: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
      { name: 'tail', short: 'n', type: 'string', default: 'all', desc: 'Number of lines to show from the end of the logs' },
      { name: 'timestamps', short: 't', type: 'bool', desc: 'Show timestamps' },
      { name: 'until', type: 'string', desc: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    ],
  },
  async run(cli, p) {
    const name = p.args[0]!;
    const info = await cli.client.json<{ Id: string; Config?: { Tty?: boolean } }>('GET', `/containers/${name}/json`);
    let since: string | undefined, until: string | undefined;
    try {
      if (str(p, 'since')) since = getTimestamp(str(p, 'since'));
      if (str(p, 'until')) until = getTimestamp(str(p, 'until'));
    } catch (e) { throw new StatusError(1, (e as Error).message); }
    const res = await cli.client.request('GET', `/containers/${info.Id}/logs`, {
      query: {
        details: bool(p, 'details') || undefined, follow: bool(p, 'follow') || undefined, since,
        stderr: '1', stdout: '1', tail: str(p, 'tail') || 'all', timestamps: bool(p, 'timestamps') || undefined, until,
      },
    });
    // Ctrl-C while following: just stop, like docker.
    process.once('SIGINT', () => { res.destroy(); process.exit(0); });
    if (info.Config?.Tty) await copyRaw(res, cli.stdout);
    else await demuxStream(res, cli.stdout, cli.stderr);
    return 0;
  },
};
