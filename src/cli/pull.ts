// Pull-on-demand for run/create: POST /images/create?fromImage=&tag= and render its progress to stderr.
import { jsonLines } from '../client/json-lines.js';
import type { Cli } from './cli.js';
import { JsonMessageRenderer, type JsonMessage } from './format/jsonmessage.js';
import { normalizeName, parseRef } from './reference.js';

export async function pullImage(cli: Cli, ref: string, opts: { platform?: string; quiet?: boolean; out?: (s: string) => void } = {}): Promise<void> {
  const p = parseRef(ref);
  const res = await cli.client.request('POST', '/images/create', {
    query: { fromImage: normalizeName(p.name), platform: opts.platform || undefined, tag: p.digest ?? p.tag ?? 'latest' },
    headers: { 'X-Registry-Auth': 'e30=' },
  });
  const write = opts.out ?? ((s: string) => cli.err(s));
  const r = new JsonMessageRenderer(opts.quiet ? () => {} : write, !!cli.stderr.isTTY);
  for await (const m of jsonLines<JsonMessage>(res)) r.render(m);
}
