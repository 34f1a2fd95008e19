// `ps` / `container ls`.
import { bool, formatFlag, list, num, str, type Command } from '../cli.js';
import { containerContext, PS_DEFAULT_TABLE, PS_HEADERS, type ContainerSummary } from '../format/container-context.js';
import { formatRows } from '../format/docker-format.js';
import { filtersJson } from '../filters.js';

export const ps: Command = {
  spec: {
    name: 'ps', usage: '[OPTIONS]', desc: 'List containers', maxArgs: 0,
    aliases: ['container ls', 'container list', 'container ps', 'ps'],
    flags: [
      { name: 'all', short: 'a', type: 'bool', desc: 'Show all containers (default shows just running)' },
      { name: 'filter', short: 'f', type: 'list', desc: 'Filter output based on conditions provided' },
      formatFlag(),
      { name: 'help', type: 'bool', desc: 'Print usage' },
      { name: 'last', short: 'n', type: 'int', default: -1, desc: 'Show n last created containers (includes all states)' },
      { name: 'latest', short: 'l', type: 'bool', desc: 'Show the latest created container (includes all states)' },
      { name: 'no-trunc', type: 'bool', desc: "Don't truncate output" },
      { name: 'quiet', short: 'q', type: 'bool', desc: 'Only display container IDs' },
      { name: 'size', short: 's', type: 'bool', desc: 'Display total file sizes' },
    ],
  },
  async run(cli, p) {
    let format = str(p, 'format');
    const quiet = bool(p, 'quiet');
    if (quiet) format = '{{.ID}}';
    let size = bool(p, 'size');
    if (!quiet && format !== '' && format !== 'table' && /\.Size\b/.test(format)) size = true;
    if (format === '' && size) format = PS_DEFAULT_TABLE + '\t{{.Size}}';
    let limit = num(p, 'last');
    if (bool(p, 'latest') && limit === -1) limit = 1;
    const rows = await cli.client.json<ContainerSummary[]>('GET', '/containers/json', {
      query: {
        all: bool(p, 'all') || undefined,
        filters: filtersJson(list(p, 'filter')),
        limit: limit > 0 ? limit : undefined,
        size: size || undefined,
      },
    });
    const trunc = !bool(p, 'no-trunc');
    const now = Date.now();
    cli.out(formatRows({ format, defaultTable: PS_DEFAULT_TABLE, headers: PS_HEADERS }, (rows ?? []).map((c) => containerContext(c, trunc, now))));
    return 0;
  },
};
