// A client of conmon's attach socket (SOCK_SEQPACKET, conmon src/conn_sock.c and src/ctr_stdio.c).
// Every packet from conmon is one read of the container's stdio: byte 0 names the pipe (2 = stdout,
// 3 = stderr; a TTY is always stdout), the rest is data. Packets we send are written to the container's stdin.
// Half-closing our side (shutdown SHUT_WR) makes conmon close the container's stdin unless it was started with
// --leave-stdin-open, which we pass for containers whose stdin must survive a detach (Docker's !StdinOnce).
import { openSync, closeSync } from 'node:fs';
import { SeqpacketSocket } from 'node-unix-socket';
import type { AttachSession } from './types.js';

const STDOUT_PIPE = 2;
const STDERR_PIPE = 3;
/** conmon reads at most CONN_SOCK_BUF_SIZE - 1 (32767) bytes per packet; larger packets would be truncated. */
const MAX_PACKET = 32 * 1024 - 1;
/** sun_path holds 108 bytes; longer socket paths are reached through an open directory fd in /proc. */
const SUN_PATH_MAX = 107;

export function connectAttach(dir: string): Promise<AttachSession> {
  return new Promise((resolve, reject) => {
    const sock = new SeqpacketSocket();
    let dirFd: number | undefined;
    let path = `${dir}/attach`;
    if (path.length > SUN_PATH_MAX) {
      dirFd = openSync(dir, 'r');
      path = `/proc/self/fd/${dirFd}/attach`;
    }
    const releaseDir = () => {
      if (dirFd !== undefined) { try { closeSync(dirFd); } catch { /* already closed */ } dirFd = undefined; }
    };
    const onConnectError = (e: Error) => { releaseDir(); reject(e); };
    sock.once('error', onConnectError);
    try {
      sock.connect(path, () => {
        releaseDir();
        sock.off('error', onConnectError);
        resolve(session(sock));
      });
    } catch (e) {
      releaseDir();
      sock.destroy();
      reject(e);
    }
  });
}

function session(sock: SeqpacketSocket): AttachSession {
  const outputCbs: Array<(stream: 1 | 2, data: Buffer) => void> = [];
  const closeCbs: Array<() => void> = [];
  const pending: Array<[1 | 2, Buffer]> = [];
  let closed = false;
  let stdinClosed = false;

  // Whoever ends the session (conmon or us), the socket is destroyed so berthd never keeps the fd.
  const fireClose = () => {
    if (closed) return;
    closed = true;
    try { sock.destroy(); } catch { /* already gone */ }
    for (const cb of closeCbs.splice(0)) cb();
  };
  sock.on('data', (packet: Buffer) => {
    if (packet.length < 1) return;
    const kind = packet[0];
    const stream: 1 | 2 = kind === STDERR_PIPE ? 2 : 1;
    if (kind !== STDOUT_PIPE && kind !== STDERR_PIPE) return;
    const data = packet.subarray(1);
    if (outputCbs.length === 0) pending.push([stream, data]);
    else for (const cb of outputCbs) cb(stream, data);
  });
  sock.on('end', fireClose);
  sock.on('close', fireClose);
  // Errors end the session; the process itself is unaffected.
  sock.on('error', () => { try { sock.destroy(); } catch { /* gone */ } fireClose(); });

  return {
    onOutput(cb) {
      outputCbs.push(cb);
      // Output that arrived before the first listener is delivered in order rather than dropped.
      for (const [s, d] of pending.splice(0)) cb(s, d);
    },
    onClose(cb) {
      if (closed) queueMicrotask(cb);
      else closeCbs.push(cb);
    },
    writeStdin(data) {
      if (closed || stdinClosed) return;
      for (let off = 0; off < data.length; off += MAX_PACKET) sock.write(data.subarray(off, off + MAX_PACKET));
    },
    closeStdin() {
      if (closed || stdinClosed) return;
      stdinClosed = true;
      sock.end();
    },
    close() {
      fireClose();
    },
  };
}
