// berthd's configuration: defaults < daemon.json (dockerd's keys) < flags (dockerd's names).
// Unknown flags, unknown keys and keys given both ways are errors, with dockerd's wording.
import { readFileSync, existsSync } from 'node:fs';
import { defaultConfig, type DaemonConfig } from '../engine/config.js';

export class ConfigError extends Error {}

type Kind = 'string' | 'bool' | 'int' | 'list';
interface Opt { key: string; kind: Kind; apply: (c: DaemonConfig, v: unknown) => void; short?: string }

const opt = (key: string, kind: Kind, apply: Opt['apply'], short?: string): Opt => ({ key, kind, apply, short });

const ulimit = (c: DaemonConfig, v: unknown) => {
  for (const s of v as string[]) {
    const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(s);
    if (!m) throw new ConfigError(`invalid ulimit argument: ${s}`);
    c.defaultUlimits[m[1]] = { Name: m[1], Soft: Number(m[2]), Hard: Number(m[3] ?? m[2]) };
  }
};

/** Options by daemon.json key; the flag is `--<key>` except where dockerd differs (see flagAliases). */
const OPTIONS: Opt[] = [
  opt('hosts', 'list', (c, v) => { c.hosts = v as string[]; }, 'H'),
  opt('data-root', 'string', (c, v) => { c.dataRoot = v as string; }),
  opt('exec-root', 'string', (c, v) => { c.execRoot = v as string; }),
  opt('pidfile', 'string', (c, v) => { c.pidfile = v as string; }, 'p'),
  opt('log-level', 'string', (c, v) => {
    if (!['debug', 'info', 'warn', 'error', 'fatal'].includes(v as string)) throw new ConfigError(`unable to configure the Docker daemon with file: invalid log level: ${v}`);
    c.logLevel = v as DaemonConfig['logLevel'];
  }, 'l'),
  opt('debug', 'bool', (c, v) => { if (v) c.logLevel = 'debug'; }, 'D'),
  opt('live-restore', 'bool', (c, v) => { c.liveRestore = v as boolean; }),
  opt('default-runtime', 'string', (c, v) => { c.defaultRuntime = v as string; }),
  opt('runtimes', 'string', (c, v) => { c.runtimes = { ...c.runtimes, ...(v as DaemonConfig['runtimes']) }; }),
  opt('add-runtime', 'list', (c, v) => { for (const s of v as string[]) { const [n, p] = s.split('='); c.runtimes[n] = { path: p ?? n }; } }),
  opt('bridge', 'string', (c, v) => { c.bridge = v as string; }, 'b'),
  opt('bip', 'string', (c, v) => { c.bip = v as string; }),
  opt('fixed-cidr', 'string', (c, v) => { c.fixedCidr = v as string; }),
  opt('default-address-pools', 'list', (c, v) => {
    c.defaultAddressPools = (v as unknown[]).map((p) => {
      if (typeof p === 'string') {
        const kv = Object.fromEntries(p.split(',').map((x) => x.split('=')));
        return { base: kv.base, size: Number(kv.size) };
      }
      return p as { base: string; size: number };
    });
  }),
  opt('iptables', 'bool', (c, v) => { c.iptables = v as boolean; }),
  opt('ip-forward', 'bool', (c, v) => { c.ipForward = v as boolean; }),
  opt('ip-masq', 'bool', (c, v) => { c.ipMasq = v as boolean; }),
  opt('firewall-table', 'string', (c, v) => {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,30}$/.test(v as string)) throw new ConfigError(`invalid firewall table name: ${v}`);
    c.firewallTable = v as string;
  }),
  opt('cgroup-parent', 'string', (c, v) => { c.cgroupParent = (v as string).replace(/^\/+|\/+$/g, ''); }),
  opt('group', 'string', (c, v) => { c.group = v as string; }, 'G'),
  opt('mtu', 'int', (c, v) => { c.mtu = v as number; }),
  opt('dns', 'list', (c, v) => { c.dns = v as string[]; }),
  opt('dns-search', 'list', (c, v) => { c.dnsSearch = v as string[]; }),
  opt('dns-opts', 'list', (c, v) => { c.dnsOptions = v as string[]; }),
  opt('default-ulimits', 'list', (c, v) => {
    if (Array.isArray(v)) ulimit(c, v);
    else for (const [name, u] of Object.entries(v as Record<string, { Soft: number; Hard: number }>)) c.defaultUlimits[name] = { Name: name, Soft: u.Soft, Hard: u.Hard };
  }),
  opt('shutdown-timeout', 'int', (c, v) => { c.shutdownTimeout = v as number; }),
  opt('tls', 'bool', (c, v) => { c.tls = v as boolean; }),
  opt('tlsverify', 'bool', (c, v) => { c.tlsVerify = v as boolean; if (v) c.tls = true; }),
  opt('tlscacert', 'string', (c, v) => { c.tlsCaCert = v as string; }),
  opt('tlscert', 'string', (c, v) => { c.tlsCert = v as string; }),
  opt('tlskey', 'string', (c, v) => { c.tlsKey = v as string; }),
  opt('init-path', 'string', (c, v) => { c.initPath = v as string; }),
  opt('conmon-path', 'string', (c, v) => { c.conmonPath = v as string; }),
  opt('experimental', 'bool', (c, v) => { c.experimental = v as boolean; }),
  opt('labels', 'list', (c, v) => { c.labels = v as string[]; }),
  opt('userns-remap', 'string', (c, v) => { c.usernsRemap = v as string; }),
];

/** Flag names that differ from their daemon.json key. */
const flagAliases: Record<string, string> = {
  host: 'hosts', 'dns-opt': 'dns-opts', 'default-ulimit': 'default-ulimits', label: 'labels', 'default-address-pool': 'default-address-pools',
  'graph': 'data-root',
};

export const USAGE = `Usage:	berthd [OPTIONS]

A self-sufficient runtime for containers that serves the Docker Engine API.

Options:
      --add-runtime runtime                   Register an additional OCI compatible runtime (name=path)
  -b, --bridge string                         Attach containers to a network bridge (default "berth0")
      --bip string                            Network bridge IP
      --cgroup-parent string                  Set parent cgroup for all containers (default "berth")
      --config-file string                    Daemon configuration file (default "/etc/berth/daemon.json")
      --conmon-path string                    Path to conmon (default: search PATH)
      --data-root string                      Root directory of persistent state (default "/var/lib/berth")
  -D, --debug                                 Enable debug mode
      --default-address-pool pool-options     Default address pools for node specific local networks
      --default-runtime string                Default OCI runtime for containers (default "runc")
      --default-ulimit ulimit                 Default ulimits for containers
      --dns list                              DNS server to use
      --dns-opt list                          DNS options to use
      --dns-search list                       DNS search domains to use
      --exec-root string                      Root directory for execution state files (default "/run/berth")
      --firewall-table string                 nftables table owned by this daemon (default "berth")
      --fixed-cidr string                     IPv4 subnet for fixed IPs
  -G, --group string                          Group for the unix socket
  -H, --host list                             Daemon socket(s) to connect to (default unix:///run/berth/berth.sock)
      --init-path string                      Path to the docker-init binary
      --ip-forward                            Enable net.ipv4.ip_forward (default true)
      --ip-masq                               Enable IP masquerading (default true)
      --iptables                              Enable addition of firewall rules (default true)
      --label list                            Set key=value labels to the daemon
      --live-restore                          Enable live restore of docker when containers are still running
  -l, --log-level string                      Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
      --mtu int                               Set the containers network MTU (default 1500)
  -p, --pidfile string                        Path to use for daemon PID file (default "/run/berth/berthd.pid")
      --shutdown-timeout int                  Set the default shutdown timeout (default 15)
      --tls                                   Use TLS; implied by --tlsverify
      --tlscacert string                      Trust certs signed only by this CA
      --tlscert string                        Path to TLS certificate file
      --tlskey string                         Path to TLS key file
      --tlsverify                             Use TLS and verify the remote
      --userns-remap string                   User/Group setting for user namespaces
  -v, --version                               Print version information and quit
  -h, --help                                  Print usage
`;

export interface LoadResult { config: DaemonConfig; help?: boolean; version?: boolean }

export function loadConfig(argv: string[]): LoadResult {
  const byKey = new Map(OPTIONS.map((o) => [o.key, o]));
  const byShort = new Map(OPTIONS.filter((o) => o.short).map((o) => [o.short!, o]));
  const flagValues = new Map<string, unknown>();
  let configFile = '/etc/berth/daemon.json';
  let configFileGiven = false;
  const setFlag = (o: Opt, v: unknown) => {
    if (o.kind === 'list') flagValues.set(o.key, [...((flagValues.get(o.key) as unknown[]) ?? []), v]);
    else flagValues.set(o.key, v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { config: defaultConfig(), help: true };
    if (a === '-v' || a === '--version') return { config: defaultConfig(), version: true };
    let name: string, inline: string | undefined, o: Opt | undefined;
    if (a.startsWith('--')) {
      [name, inline] = a.slice(2).includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), undefined];
      if (name === 'config-file') {
        configFile = inline ?? argv[++i];
        configFileGiven = true;
        if (configFile === undefined) throw new ConfigError('flag needs an argument: --config-file');
        continue;
      }
      // `runtimes` is a daemon.json object with no flag form (the flag is --add-runtime).
      o = name === 'runtimes' ? undefined : byKey.get(flagAliases[name] ?? name);
    } else if (/^-[A-Za-z]/.test(a)) {
      name = a.slice(1, 2);
      inline = a.length > 2 ? a.slice(2).replace(/^=/, '') : undefined;
      o = byShort.get(name);
    } else {
      throw new ConfigError(`berthd does not take positional arguments ("${a}")\nSee 'berthd --help'.`);
    }
    if (!o) throw new ConfigError(`unknown flag: ${a.split('=')[0]}\nSee 'berthd --help'.`);
    if (o.kind === 'bool') {
      if (inline === undefined) { setFlag(o, true); continue; }
      if (!/^(true|false|1|0)$/i.test(inline)) throw new ConfigError(`invalid argument "${inline}" for "${a.split('=')[0]}" flag: strconv.ParseBool: parsing "${inline}": invalid syntax`);
      setFlag(o, /^(true|1)$/i.test(inline));
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new ConfigError(`flag needs an argument: ${a}`);
    if (o.kind === 'int') {
      if (!/^-?\d+$/.test(v)) throw new ConfigError(`invalid argument "${v}" for "${a}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
      setFlag(o, Number(v));
    } else setFlag(o, v);
  }
  const config = defaultConfig();
  if (configFileGiven || existsSync(configFile)) {
    let raw: string;
    try { raw = readFileSync(configFile, 'utf8'); } catch (e) {
      throw new ConfigError(`unable to configure the Docker daemon with file ${configFile}: ${(e as Error).message}`);
    }
    let file: Record<string, unknown>;
    try { file = raw.trim() ? JSON.parse(raw) : {}; } catch (e) {
      throw new ConfigError(`unable to configure the Docker daemon with file ${configFile}: ${(e as Error).message}`);
    }
    if (!file || typeof file !== 'object' || Array.isArray(file)) throw new ConfigError(`unable to configure the Docker daemon with file ${configFile}: expected a JSON object`);
    const unknown = Object.keys(file).filter((k) => !byKey.has(k));
    if (unknown.length) throw new ConfigError(`the following directives don't match any configuration option: ${unknown.join(', ')}`);
    const both = Object.keys(file).filter((k) => flagValues.has(k));
    if (both.length) throw new ConfigError(`the following directives are specified both as a flag and in the configuration file: ${both.map((k) => `${k}: (from flag: ${JSON.stringify(flagValues.get(k))}, from file: ${JSON.stringify(file[k])})`).join(', ')}`);
    for (const [k, v] of Object.entries(file)) {
      const o = byKey.get(k)!;
      checkType(o, v, configFile);
      o.apply(config, v);
    }
  }
  for (const [k, v] of flagValues) byKey.get(k)!.apply(config, v);
  if (config.tlsVerify && (!config.tlsCaCert || !config.tlsCert || !config.tlsKey)) throw new ConfigError('--tlsverify needs --tlscacert, --tlscert and --tlskey');
  if (config.tls && (!config.tlsCert || !config.tlsKey)) throw new ConfigError('--tls needs --tlscert and --tlskey');
  return { config };
}

function checkType(o: Opt, v: unknown, file: string): void {
  const bad = () => new ConfigError(`unable to configure the Docker daemon with file ${file}: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go struct field Config.${o.key}`);
  if (o.key === 'runtimes' || o.key === 'default-ulimits') { if (typeof v !== 'object' || v === null) throw bad(); return; }
  if (o.kind === 'bool' && typeof v !== 'boolean') throw bad();
  if (o.kind === 'int' && typeof v !== 'number') throw bad();
  if (o.kind === 'string' && typeof v !== 'string') throw bad();
  if (o.kind === 'list' && !Array.isArray(v)) throw bad();
}
