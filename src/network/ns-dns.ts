// Sockets on 127.0.0.11:53 inside a container's own network namespace, for containers whose networks give the
// gateway listeners of dns-server.ts no way in (macvlan only: a macvlan child cannot reach its own host through
// the parent). Node cannot enter a namespace itself, so a short-lived helper (ns-dns-helper.ts) is started there
// through nsenter with an IPC channel (its fd survives the exec; the helper finds it through NODE_CHANNEL_FD),
// binds both sockets and sends them back. berthd serves DNS on them like on any other listener; the sockets stay
// in the container's namespace, and since only that container can reach them, they also say who asks.
// The price is one Node start-up per container start (and per live container after a daemon restart).
import { spawn } from 'node:child_process';
import type { Socket } from 'node:dgram';
import type { Server } from 'node:net';
import { resolveCommand } from '../lib/exec-file.js';
import { bindAndHandOver } from './ns-dns-helper.js';

export interface NsDnsSockets { udp: Socket; tcp: Server }

const HELPER_SOURCE = `(${bindAndHandOver.toString()})();`;
const TIMEOUT_MS = 10_000;

/** Binds 127.0.0.11:53 (UDP and TCP) inside the namespace at `netnsPath` and returns berthd's handles. */
export function openNsDnsSockets(nsenter: string, netnsPath: string): Promise<NsDnsSockets> {
  return new Promise((resolve, reject) => {
    const child = spawn(resolveCommand(nsenter), [`--net=${netnsPath}`, process.execPath, '-e', HELPER_SOURCE], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Nothing of the daemon's environment: NODE_OPTIONS (a loader, a debugger) or NODE_EXTRA_CA_CERTS (read at
      // start-up: ~50 ms here) would only slow the helper down. Node adds the NODE_CHANNEL_* variables itself.
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    let udp: Socket | undefined;
    let tcp: Server | undefined;
    let stderr = '';
    let settled = false;
    const finish = (e?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!e && udp && tcp) return resolve({ udp, tcp });
      udp?.close();
      tcp?.close();
      child.kill('SIGKILL');
      reject(e ?? new Error(`embedded DNS helper ended without its sockets${stderr ? `: ${stderr.trim()}` : ''}`));
    };
    const timer = setTimeout(() => finish(new Error('embedded DNS helper timed out')), TIMEOUT_MS);
    child.stderr!.on('data', (b: Buffer) => { if (stderr.length < 4096) stderr += b.toString(); });
    child.on('error', (e) => finish(e));
    child.on('message', (m: { socket?: string; error?: string }, handle: unknown) => {
      if (m.error) return finish(new Error(`embedded DNS helper: ${m.error}`));
      if (m.socket === 'udp') udp = handle as Socket;
      if (m.socket === 'tcp') tcp = handle as Server;
      if (udp && tcp) finish();
    });
    // 'close', not 'exit': it comes after the IPC channel has delivered everything the helper sent.
    child.on('close', () => finish());
  });
}
