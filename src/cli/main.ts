#!/usr/bin/env node
// berth: a docker-compatible CLI. Parses global options, resolves the command, lazily imports its module and
// maps errors to docker's wording and exit codes. Kept import-light: the `run` benchmark goes through here.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, loadTls } from '../client/api-client.js';
import { ApiError, ConnectionError } from '../client/errors.js';
import { DEFAULT_HOST, parseHost, tlsFromFlags, type TlsFlags } from '../client/endpoint.js';
import { FlagError, HelpRequested, checkArgCount, helpText, parseArgs, type CommandSpec, type Parsed } from './args.js';
import { Cli, CLI_VERSION, PROG, StatusError } from './cli.js';
import { GROUP_DESCRIPTIONS, groupCommands, resolve, topCommands } from './registry.js';

const GLOBAL_SPEC: CommandSpec = {
  name: '', usage: '[OPTIONS] COMMAND', desc: 'A self-sufficient runtime for containers', interspersed: false,
  flags: [
    { name: 'config', type: 'string', desc: 'Location of client config files' },
    { name: 'context', short: 'c', type: 'string', desc: 'Name of the context to use to connect to the daemon' },
    { name: 'debug', short: 'D', type: 'bool', desc: 'Enable debug mode' },
    { name: 'host', short: 'H', type: 'list', desc: 'Daemon socket to connect to' },
    { name: 'log-level', short: 'l', type: 'string', default: 'info', desc: 'Set the logging level' },
    { name: 'tls', type: 'bool', desc: 'Use TLS; implied by --tlsverify' },
    { name: 'tlscacert', type: 'string', desc: 'Trust certs signed only by this CA' },
    { name: 'tlscert', type: 'string', desc: 'Path to TLS certificate file' },
    { name: 'tlskey', type: 'string', desc: 'Path to TLS key file' },
    { name: 'tlsverify', type: 'bool', desc: 'Use TLS and verify the remote' },
    { name: 'version', short: 'v', type: 'bool', desc: 'Print version information and quit' },
  ],
};

function mainHelp(): string {
  return `Usage:  ${PROG} [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\n` +
    `Management Commands:\n${Object.keys(GROUP_DESCRIPTIONS).map((g) => `  ${g.padEnd(12)}${GROUP_DESCRIPTIONS[g]}`).join('\n')}\n\n` +
    `Commands:\n${topCommands().map((c) => `  ${c}`).join('\n')}\n\n` + helpText(GLOBAL_SPEC, PROG).split('\n\n').slice(2).join('\n\n');
}

async function main(argv: string[]): Promise<number> {
  let g: Parsed;
  try {
    g = parseArgs(GLOBAL_SPEC, argv);
  } catch (e) {
    if (e instanceof HelpRequested) { process.stdout.write(mainHelp()); return 0; }
    process.stderr.write(`${(e as Error).message}\nSee '${PROG} --help'.\n`);
    return 125;
  }
  if (g.flags.version === true) { process.stdout.write(`Berth version ${CLI_VERSION}, build berth\n`); return 0; }

  const hosts = g.flags.host as string[];
  if (hosts.length > 1) { process.stderr.write('Please specify only one -H\n'); return 1; }
  const configDir = (g.flags.config as string) || process.env.DOCKER_CONFIG || join(homedir(), '.docker');
  const tls = tlsFromFlags({
    tls: g.changed.has('tls') ? g.flags.tls as boolean : undefined,
    tlsverify: g.changed.has('tlsverify') ? g.flags.tlsverify as boolean : undefined,
    tlscacert: g.flags.tlscacert as string || undefined,
    tlscert: g.flags.tlscert as string || undefined,
    tlskey: g.flags.tlskey as string || undefined,
  } satisfies TlsFlags, process.env, configDir);
  let endpoint;
  try {
    endpoint = parseHost(hosts[0] ?? process.env.DOCKER_HOST ?? DEFAULT_HOST, tls);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  if (endpoint.tls) await loadTls();
  const apiVersion = process.env.DOCKER_API_VERSION || undefined;
  const cli = new Cli(
    { endpoint, apiVersion, configDir, debug: g.flags.debug === true, logLevel: g.flags['log-level'] as string },
    () => new ApiClient({ host: endpoint, apiVersion }),
  );

  const r = resolve(g.args);
  if ('unknown' in r) {
    if (r.group !== undefined && r.unknown === '') {
      process.stdout.write(`Usage:  ${PROG} ${r.group} COMMAND\n\n${GROUP_DESCRIPTIONS[r.group]}\n\nCommands:\n` +
        groupCommands(r.group).map((c) => `  ${c}`).join('\n') + `\n\nRun '${PROG} ${r.group} COMMAND --help' for more information on a command.\n`);
      return 0;
    }
    if (r.unknown === '' ) { process.stdout.write(mainHelp()); return 0; }
    const where = r.group ? `${PROG} ${r.group}` : PROG;
    process.stderr.write(`${PROG}: unknown command: ${where} ${r.unknown}\n\nRun '${where} --help' for more information\n`);
    return 1;
  }

  const cmd = await r.load();
  const spec: CommandSpec = { ...cmd.spec, name: r.path };
  let p: Parsed;
  try {
    p = parseArgs(spec, r.rest);
  } catch (e) {
    if (e instanceof HelpRequested) { process.stdout.write(helpText(spec, PROG)); return 0; }
    process.stderr.write(`${(e as Error).message}\n\nUsage:  ${PROG} ${spec.name} ${spec.usage}\n\nRun '${PROG} ${spec.name} --help' for more information\n`);
    return 125;
  }
  if (p.flags.help === true) { process.stdout.write(helpText(spec, PROG)); return 0; }
  const countErr = checkArgCount(spec, PROG, p.args.length);
  if (countErr) {
    process.stderr.write(`${PROG}: ${countErr}\n\nUsage:  ${PROG} ${spec.name} ${spec.usage}\n\nSee '${PROG} ${spec.name} --help' for more information\n`);
    return 1;
  }
  try {
    return await cmd.run(cli, p);
  } catch (e) {
    return reportError(e);
  } finally {
    if (cli.hasClient) cli.client.close();
  }
}

/** docker's top-level error rendering. */
export function reportError(e: unknown): number {
  if (e instanceof StatusError) {
    if (e.message) process.stderr.write(e.message.endsWith('\n') ? e.message : e.message + '\n');
    return e.status;
  }
  if (e instanceof ApiError) { process.stderr.write(`Error response from daemon: ${e.message}\n`); return 1; }
  if (e instanceof ConnectionError) { process.stderr.write(`${e.message}\n`); return 1; }
  if (e instanceof FlagError) { process.stderr.write(`${e.message}\n`); return 125; }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`${msg}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => process.exit(reportError(e)),
);
