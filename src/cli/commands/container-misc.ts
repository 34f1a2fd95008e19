// top, diff, export, port.
import { str, StatusError, type Command } from '../cli.js';
import { tabwrite } from '../format/tabwriter.js';
import { writeOutput } from './image-io.js';

const help = { name: 'help', type: 'bool' as const, desc: 'Print usage' };

export const top: Command = {
  spec: { name: 'top', usage: 'CONTAINER [ps OPTIONS]', desc: 'Display the running processes of a container', minArgs: 1, interspersed: false, flags: [help] },
  async run(cli, p) {
    const [name, ...psArgs] = p.args as [string, ...string[]];
    const r = await cli.client.json<{ Titles: string[]; Processes: string[][] | null }>('GET', `/containers/${name}/top`, { query: { ps_args: psArgs.length ? psArgs.join(' ') : undefined } });
    let text = r.Titles.join('\t') + '\n';
    for (const proc of r.Processes ?? []) text += proc.join('\t') + '\n';
    cli.out(tabwrite(text, { minWidth: 20, padding: 3 }));
    return 0;
  },
};

const KINDS = ['C', 'A', 'D'];

export const diff: Command = {
  spec: { name: 'diff', usage: 'CONTAINER', desc: "Inspect changes to files or directories on a container's filesystem", minArgs: 1, maxArgs: 1, flags: [help] },
  async run(cli, p) {
    const changes = await cli.client.json<{ Kind: number; Path: string }[] | null>('GET', `/containers/${p.args[0]}/changes`);
    for (const c of changes ?? []) cli.outLine(`${KINDS[c.Kind] ?? '?'} ${c.Path}`);
    return 0;
  },
};

export const exportCmd: Command = {
  spec: {
    name: 'export', usage: '[OPTIONS] CONTAINER', desc: "Export a container's filesystem as a tar archive", minArgs: 1, maxArgs: 1,
    flags: [help, { name: 'output', short: 'o', type: 'string', desc: 'Write to a file, instead of STDOUT' }],
  },
  async run(cli, p) {
    const output = str(p, 'output');
    if (!output && cli.stdout.isTTY) throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const res = await cli.client.request('GET', `/containers/${p.args[0]}/export`);
    await writeOutput(cli, output, res);
    return 0;
  },
};

type PortMap = Record<string, { HostIp: string; HostPort: string }[] | null>;
const hostPort = (b: { HostIp: string; HostPort: string }) => (b.HostIp.includes(':') ? `[${b.HostIp}]:${b.HostPort}` : `${b.HostIp || '0.0.0.0'}:${b.HostPort}`);

export const port: Command = {
  spec: { name: 'port', usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]', desc: 'List port mappings or a specific mapping for the container', minArgs: 1, maxArgs: 2, flags: [help] },
  async run(cli, p) {
    const [name, want] = p.args as [string, string | undefined];
    const info = await cli.client.json<{ NetworkSettings?: { Ports?: PortMap | null } }>('GET', `/containers/${name}/json`);
    const ports = info.NetworkSettings?.Ports ?? {};
    if (want) {
      const [num, proto = 'tcp'] = want.split('/');
      const key = `${num}/${proto}`;
      const b = ports[key];
      if (!b || b.length === 0) throw new StatusError(1, `Error: No public port '${key}' published for ${name}`);
      for (const x of b) cli.outLine(hostPort(x));
      return 0;
    }
    const keys = Object.keys(ports).sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
    for (const k of keys) for (const b of ports[k] ?? []) cli.outLine(`${k} -> ${hostPort(b)}`);
    return 0;
  },
};
