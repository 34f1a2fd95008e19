// Reader for newline-delimited JSON bodies (events, stats stream, pull/load/import progress). Lines may be split
// across chunks and end in \n or \r\n; blank lines are skipped.
import type { Readable } from 'node:stream';

export async function* jsonLines<T = unknown>(src: Readable): AsyncGenerator<T> {
  for await (const line of rawLines(src)) yield JSON.parse(line) as T;
}

/** The non-blank lines of a body, unparsed (for callers that need exact big integers such as timeNano). */
export async function* rawLines(src: Readable): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of src as AsyncIterable<Buffer | string>) {
    rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).trim();
      rest = rest.slice(nl + 1);
      if (line) yield line;
    }
  }
  // A decoder without a trailing newline still yields its last object (Go's json.Decoder does the same).
  const last = rest.trim();
  if (last) yield last;
}
