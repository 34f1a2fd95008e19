// `stats`: one stats stream (or one-shot with --no-stream) per container, on parallel connections.
import { jsonLines } from '../../client/json-lines.js';
import { ApiError } from '../../client/errors.js';
import { bool, formatFlag, StatusError, str, type Command } from '../cli.js';
import { formatRows } from '../format/docker-format.js';
import { calculateEntry, statsContext, STATS_DEFAULT_TABLE, STATS_HEADERS, type StatsEntry, type StatsJson } from '../format/stats-calc.js';

interface Slot { arg: string; id: string; name: string; entry?: StatsEntry; error?: string }

export const stats: Command = {
  spec: {
    name: 'stats', usage: '[OPTIONS] [CONTAINER...]', desc: 'Display a live stream of container(s) resource usage statistics',
    flags: [
      { name: 'all', short: 'a', type: 'bool', desc: 'Show all containers (default shows just running)' },
      formatFlag(), { name: 'help', type: 'bool', desc: 'Print usage' },
      { name: 'no-stream', type: 'bool', desc: 'Disable streaming stats and only pull the first result' },
      { name: 'no-trunc', type: 'bool', desc: "Don't truncate output" },
    ],
  },
  async run(cli, p) {
    const client = cli.client;
    let targets = p.args;
    if (targets.length === 0) {
      const list = await client.json<{ Id: string }[]>('GET', '/containers/json', { query: { all: bool(p, 'all') || undefined } });
      targets = list.map((c) => c.Id);
    }
    const trunc = !bool(p, 'no-trunc');
    const slots: Slot[] = targets.map((t) => ({ arg: t, id: t, name: '' }));
    const render = () => formatRows({ format: str(p, 'format'), defaultTable: STATS_DEFAULT_TABLE, headers: STATS_HEADERS },
      slots.filter((s) => !s.error).map((s) => statsContext(s.arg, s.id, s.name, s.entry, trunc)));
    const apply = (s: Slot, j: StatsJson) => { s.id = j.id ?? s.id; s.name = j.name ?? s.name; s.entry = calculateEntry(j); };

    if (bool(p, 'no-stream')) {
      const errs: string[] = [];
      await Promise.all(slots.map(async (s) => {
        try { apply(s, await client.json<StatsJson>('GET', `/containers/${s.arg}/stats`, { query: { stream: '0' } })); } catch (e) {
          s.error = e instanceof ApiError ? `Error response from daemon: ${e.message}` : (e as Error).message; errs.push(s.error);
        }
      }));
      if (errs.length) throw new StatusError(1, errs.join('\n'));
      cli.out(render());
      return 0;
    }
    for (const s of slots) {
      void (async () => {
        try {
          const res = await client.request('GET', `/containers/${s.arg}/stats`, { query: { stream: '1' } });
          for await (const j of jsonLines<StatsJson>(res)) apply(s, j);
        } catch (e) { s.error = (e as Error).message; }
      })();
    }
    process.once('SIGINT', () => process.exit(0));
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      cli.out((cli.stdout.isTTY ? '\x1b[2J\x1b[H' : '') + render());
    }
  },
};
