// Streaming container endpoints: logs, attach (hijacked), wait.
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { boolParam, intParam } from '../http-util.js';
import { invalid, conflict } from '../../lib/errors.js';
import { readLog, formatTimestamp } from '../../engine/containers/log-reader.js';
import { frame, streamContentType, writeHijackHead, writeAsync, encodeLogBatch } from '../streams.js';
import { writeRawError } from '../server.js';
import type { AttachSession } from '../../runtime/types.js';

function parseTimeParam(v: string | null): number {
  if (!v) return 0;
  const n = Number(v);
  if (!Number.isFinite(n)) throw invalid(`invalid value for time: ${v}`);
  return n;
}

export function containerStreamRoutes(r: Router, engine: Engine): void {
  const containers = engine.containers;

  r.add('GET', '/containers/{id}/logs', async ({ res, params, query, apiVersion, req }) => {
    const c = containers.get(params[0]);
    const stdout = boolParam(query, 'stdout'), stderr = boolParam(query, 'stderr');
    if (!stdout && !stderr) throw invalid('Bad parameters: you must choose at least one stream');
    const follow = boolParam(query, 'follow');
    const timestamps = boolParam(query, 'timestamps');
    const tailRaw = query.get('tail') ?? 'all';
    const tail = tailRaw === 'all' || tailRaw === '' ? -1 : Number(tailRaw);
    const since = parseTimeParam(query.get('since'));
    const until = parseTimeParam(query.get('until'));
    const tty = c.config.Tty;
    res.writeHead(200, { 'Content-Type': streamContentType(apiVersion, tty) });
    res.flushHeaders();
    const ac = new AbortController();
    req.socket.once('close', () => ac.abort());
    const running = c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting';
    const stopped = running ? containers.nextExit(c.id).then(() => undefined) : Promise.resolve();
    for await (const batch of readLog(c.logPath, { follow: follow && running, tail: Number.isFinite(tail) ? tail : -1, since, until, signal: ac.signal, stopped })) {
      const out = encodeLogBatch(batch, { tty, stdout, stderr, timestamps, formatTime: formatTimestamp });
      if (out.length) await writeAsync(res, out);
    }
    res.end();
  });

  r.add('POST', '/containers/{id}/wait', async ({ res, params, query }) => {
    const c = containers.get(params[0]);
    const condition = query.get('condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw invalid(`invalid condition: "${condition}"`);
    let result: Promise<number>;
    const active = ['running', 'paused', 'restarting'].includes(c.state.status);
    if (condition === 'removed') result = containers.removed(c.id).then(() => c.state.exitCode);
    else if (condition === 'not-running' && !active) result = Promise.resolve(c.state.exitCode);
    else result = containers.nextExit(c.id);
    // Headers go out now: the CLI waits for them before it sends `start` (see the wire reference, gotcha 1).
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const code = await result;
    res.end(JSON.stringify({ Error: null, StatusCode: code }) + '\n');
  });

  r.addHijack('POST', '/containers/{id}/attach', async ({ req, socket, params, query, apiVersion, upgrade, head }) => {
    const c = containers.get(params[0]);
    // A request body (dockerode sends its options as JSON) is not stdin: only bytes after Content-Length are.
    let skip = upgrade ? Number(req.headers['content-length'] ?? 0) || 0 : Infinity;
    const stdinOf = (d: Buffer): Buffer => {
      if (skip <= 0) return d;
      const n = Math.min(skip, d.length);
      skip -= n;
      return d.subarray(n);
    };
    const wantStdin = boolParam(query, 'stdin') && c.config.OpenStdin;
    const wantStdout = boolParam(query, 'stdout'), wantStderr = boolParam(query, 'stderr');
    const wantLogs = boolParam(query, 'logs'), wantStream = boolParam(query, 'stream');
    const tty = c.config.Tty;
    writeHijackHead(socket, { upgrade, apiVersion, tty });
    containers.event(c, 'attach');
    const send = (stream: 1 | 2, data: Buffer) => {
      if ((stream === 1 && !wantStdout) || (stream === 2 && !wantStderr)) return;
      if (!socket.destroyed) socket.write(tty ? data : frame(stream, data));
    };
    if (wantLogs) {
      const ac = new AbortController();
      for await (const batch of readLog(c.logPath, { follow: false, tail: -1, since: 0, until: 0, signal: ac.signal })) {
        const out = encodeLogBatch(batch, { tty, stdout: wantStdout, stderr: wantStderr, timestamps: false });
        if (out.length) socket.write(out);
      }
    }
    if (!wantStream) { socket.end(); return; }
    let session: AttachSession | undefined;
    let clientGone = false;
    socket.on('close', () => { clientGone = true; session?.close(); });
    socket.on('error', () => undefined);
    // Without stdin, read (and drop) what the client sends so its hang-up is noticed even before the start.
    if (!wantStdin) socket.resume();
    session = await containers.attachSession(c);
    if (!session || clientGone) { session?.close(); socket.end(); return; }
    const s = session;
    s.onOutput(send);
    s.onClose(() => { socket.end(); });
    if (wantStdin) {
      const first = stdinOf(head);
      if (first.length) s.writeStdin(first);
      socket.on('data', (d: Buffer) => { const b = stdinOf(d); if (b.length) s.writeStdin(b); });
      socket.on('end', () => { if (c.config.StdinOnce) s.closeStdin(); });
    }
  });

  r.add('POST', '/containers/{id}/resize', async ({ res, params, query }) => {
    const c = containers.get(params[0]);
    const h = intParam(query, 'h', 0), w = intParam(query, 'w', 0);
    if (c.state.status !== 'running') throw conflict(`Container ${c.id} is not running`);
    await engine.runtime.resize(c.id, h, w);
    res.writeHead(200, { 'Content-Length': 0 });
    res.end();
  });
}

export { writeRawError };
