// Exec endpoints: create, start (hijacked or detached), resize, inspect.
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { intParam, readJsonBody, sendJson, sendEmpty } from '../http-util.js';
import { invalid, errorMessage } from '../../lib/errors.js';
import { frame, writeHijackHead } from '../streams.js';
import { writeRawError } from '../server.js';

export function execRoutes(r: Router, engine: Engine): void {
  const { execs } = engine;

  r.add('POST', '/containers/{id}/exec', async ({ req, res, params }) => {
    const body = await readJsonBody<Record<string, unknown>>(req);
    sendJson(res, 201, { Id: execs.create(params[0], body) });
  });

  r.add('GET', '/exec/{id}/json', async ({ res, params }) => {
    sendJson(res, 200, execs.inspect(params[0]));
  });

  r.add('POST', '/exec/{id}/resize', async ({ res, params, query }) => {
    await execs.resize(params[0], intParam(query, 'h', 0), intParam(query, 'w', 0));
    sendEmpty(res, 200);
  });

  r.addHijack('POST', '/exec/{id}/start', async ({ req, socket, head, params, apiVersion, upgrade }) => {
    // The JSON body arrives with the request head; anything after it is stdin.
    const len = Number(req.headers['content-length'] ?? 0);
    let buf = head;
    while (buf.length < len) {
      const more = await new Promise<Buffer | null>((resolve) => { socket.once('data', resolve); socket.once('end', () => resolve(null)); });
      if (!more) break;
      buf = Buffer.concat([buf, more]);
    }
    // Reading the body put the socket in flowing mode: pause it so stdin (and its EOF) sent while the process is
    // still starting stays buffered instead of being emitted to nobody.
    socket.pause();
    let body: { Detach?: boolean; Tty?: boolean } = {};
    try { body = len > 0 ? JSON.parse(buf.subarray(0, len).toString()) : {}; } catch (e) {
      writeRawError(socket, invalid(`invalid JSON: ${(e as Error).message}`));
      return;
    }
    const stdinRest = buf.subarray(len);
    const { exec } = execs.checkStartable(params[0]);
    if (body.Detach) {
      await execs.start(params[0], false, body.Tty);
      socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 0\r\nApi-Version: 1.50\r\n\r\n`);
      return;
    }
    const tty = body.Tty ?? exec.config.Tty;
    // As dockerd does: the 101 goes out before the process starts, so a client never gets output in the same read
    // as the response head (docker-py reads the head buffered and the stream from the raw socket, losing such bytes).
    writeHijackHead(socket, { upgrade, apiVersion, tty });
    let started;
    try {
      started = await execs.start(params[0], true, tty);
    } catch (e) {
      // After the 101 a start error can only travel in-band: dockerd writes it to stdout; ExitCode tells the rest.
      const msg = Buffer.from(errorMessage(e) + '\r\n');
      socket.end(tty ? msg : frame(1, msg));
      return;
    }
    const handle = started.handle!;
    const cfg = exec.config;
    const session = handle.attach;
    socket.on('error', () => undefined);
    if (session) {
      session.onOutput((stream, data) => {
        if ((stream === 1 && !cfg.AttachStdout) || (stream === 2 && !cfg.AttachStderr)) return;
        if (!socket.destroyed) socket.write(tty ? data : frame(stream, data));
      });
      if (cfg.AttachStdin) {
        if (stdinRest.length) session.writeStdin(stdinRest);
        socket.on('data', (d: Buffer) => session.writeStdin(d));
        socket.on('end', () => session.closeStdin());
      }
      socket.on('close', () => session.close());
    }
    socket.resume();
    // Record the exit code before closing: the CLI asks for it right after the stream ends.
    const outputDone = new Promise<void>((resolve) => { if (session) session.onClose(resolve); else resolve(); });
    await handle.exited.catch(() => undefined);
    await Promise.race([outputDone, new Promise((r) => setTimeout(r, 2000))]);
    if (exec.exitCode === null) exec.exitCode = await handle.exited.catch(() => 126);
    exec.running = false;
    socket.end();
  });
}
