// Where the daemon lives: parsed from -H / DOCKER_HOST, plus TLS material. Kept apart from the request code so
// the CLI can describe the endpoint (error messages) without opening anything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

export interface TlsOptions {
  /** Verify the server certificate against `ca` (docker's --tlsverify). */
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface Endpoint {
  /** The host string as the user wrote it (normalised), used in "Cannot connect to ..." messages. */
  url: string;
  socketPath?: string;
  hostname?: string;
  port?: number;
  tls?: TlsOptions;
}

/** Parse `unix:///path`, `tcp://host:port`, `http://`, `https://` or a bare `host:port`. */
export function parseHost(host: string, tls?: TlsOptions): Endpoint {
  const h = host.trim() === '' ? DEFAULT_HOST : host.trim();
  if (h.startsWith('unix://')) {
    const socketPath = h.slice('unix://'.length);
    if (socketPath === '') throw new Error(`invalid bind address (${h}): empty unix socket path`);
    return { url: h, socketPath };
  }
  if (h.startsWith('/')) return { url: 'unix://' + h, socketPath: h };
  let rest = h;
  let scheme = 'tcp';
  const m = /^([a-z]+):\/\/(.*)$/.exec(h);
  if (m) { scheme = m[1]!; rest = m[2]!; }
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') {
    throw new Error(`Invalid bind address format: ${h}`);
  }
  rest = rest.replace(/\/+$/, '');
  let hostname = rest;
  let port: number | undefined;
  const pm = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(rest);
  if (!pm) throw new Error(`Invalid bind address format: ${h}`);
  hostname = pm[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1';
  if (pm[2] !== undefined) port = Number(pm[2]);
  const useTls = scheme === 'https' || tls !== undefined;
  if (port === undefined) port = useTls ? 2376 : 2375;
  const ep: Endpoint = { url: h, hostname, port };
  if (useTls) ep.tls = tls ?? { verify: true };
  return ep;
}

export interface TlsFlags {
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

/**
 * Docker's rules: --tlsverify (or DOCKER_TLS_VERIFY non-empty) implies --tls; cert files default to
 * DOCKER_CERT_PATH (or ~/.docker) / {ca,cert,key}.pem. Files that do not exist are skipped unless named explicitly.
 */
export function tlsFromFlags(flags: TlsFlags, env: NodeJS.ProcessEnv, configDir: string): TlsOptions | undefined {
  const verify = flags.tlsverify === true || (flags.tlsverify === undefined && !!env.DOCKER_TLS_VERIFY);
  const useTls = verify || flags.tls === true;
  if (!useTls) return undefined;
  const certDir = env.DOCKER_CERT_PATH || configDir;
  const load = (explicit: string | undefined, name: string): Buffer | undefined => {
    if (explicit) return readFileSync(explicit);
    try { return readFileSync(join(certDir, name)); } catch { return undefined; }
  };
  const out: TlsOptions = { verify };
  const ca = load(flags.tlscacert, 'ca.pem');
  const cert = load(flags.tlscert, 'cert.pem');
  const key = load(flags.tlskey, 'key.pem');
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  return out;
}
