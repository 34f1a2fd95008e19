// Turns what runc printed into the error the engine and CLI expect. runc logs with logrus:
//   time="..." level=error msg="runc create failed: unable to start container process: exec: \"foo\": ..."
// Docker's wording ends in ": unknown" (containerd's status); the CLI derives exit codes 126/127 from the text.
import { EngineError, type ErrorKind } from '../lib/errors.js';

/** The msg="..." part of runc's log lines (unquoted), else the trimmed text. */
export function runcMessage(stderr: string): string {
  const msgs: string[] = [];
  for (const m of stderr.matchAll(/msg="((?:[^"\\]|\\.)*)"/g)) {
    try { msgs.push(JSON.parse(`"${m[1]}"`) as string); } catch { msgs.push(m[1]!); }
  }
  if (msgs.length) return msgs[msgs.length - 1]!;
  return stderr.trim().replace(/^Error:\s*/, '');
}

/** Docker's start-error exit codes (moby daemon/errors.go): 126 cannot invoke, 127 not found, else undefined. */
export function startErrorExitCode(message: string): 126 | 127 | undefined {
  const m = message.toLowerCase();
  if (m.includes('permission denied') || m.includes('is a directory')) return 126;
  if (['executable file not found', 'no such file or directory', 'not a directory', 'system cannot find the file specified'].some((s) => m.includes(s))) return 127;
  return undefined;
}

export function ociError(phase: 'create' | 'start' | 'exec', stderr: string): EngineError {
  const msg = runcMessage(stderr);
  const kind: ErrorKind = startErrorExitCode(msg) !== undefined ? 'invalid' : 'internal';
  return new EngineError(kind, `OCI runtime ${phase} failed: ${msg}: unknown`);
}
