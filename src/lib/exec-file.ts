// Runs a helper binary (runc, ip, nft, ...) and returns its output; failures carry stderr in the message.
import { spawn } from 'node:child_process';
import { which } from './which.js';

// Bare names are resolved once: execvp would otherwise try every PATH entry (pyenv shims, cargo, ...) per spawn.
const resolved = new Map<string, string>();
export function resolveCommand(cmd: string): string {
  if (cmd.includes('/')) return cmd;
  let p = resolved.get(cmd);
  if (!p) {
    p = which(cmd) ?? cmd;
    resolved.set(cmd, p);
  }
  return p;
}

export interface RunResult { stdout: string; stderr: string; code: number }

export function run(cmd: string, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string; allowFail?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(resolveCommand(cmd), args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const r = { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? -1 };
      if (r.code !== 0 && !opts.allowFail) {
        const e = new Error(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`) as Error & { result: RunResult };
        e.result = r;
        reject(e);
      } else resolve(r);
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
