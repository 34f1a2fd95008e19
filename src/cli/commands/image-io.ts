// save, load, import: tar streams in and out of the daemon, progress rendered as jsonmessage.
import { createReadStream, createWriteStream, renameSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { jsonLines } from '../../client/json-lines.js';
import { bool, list, StatusError, str, type Cli, type Command } from '../cli.js';
import { JsonMessageError, JsonMessageRenderer, type JsonMessage } from '../format/jsonmessage.js';

const help = { name: 'help', type: 'bool' as const, desc: 'Print usage' };

/** command.CopyToFile: write to a temp file beside the target, then rename (no torn file on failure). */
export async function copyToFile(path: string, src: Readable): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.berth-${process.pid}`);
  try {
    await pipeline(src, createWriteStream(tmp));
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw e;
  }
}

/** Write a binary response to -o FILE or stdout (refusing a terminal like docker). */
export async function writeOutput(cli: Cli, output: string, src: Readable): Promise<void> {
  if (output) { await copyToFile(output, src); return; }
  if (cli.stdout.isTTY) { src.destroy(); throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect'); }
  await pipeline(src, cli.stdout, { end: false });
}

async function renderMessages(cli: Cli, res: Readable & { headers?: Record<string, unknown> }): Promise<void> {
  const r = new JsonMessageRenderer((s) => cli.out(s), !!cli.stdout.isTTY);
  try {
    for await (const m of jsonLines<JsonMessage>(res)) r.render(m);
  } catch (e) {
    if (e instanceof JsonMessageError) throw new StatusError(e.code, e.message);
    throw e;
  }
}

export const save: Command = {
  spec: {
    name: 'save', usage: '[OPTIONS] IMAGE [IMAGE...]', desc: 'Save one or more images to a tar archive (streamed to STDOUT by default)', minArgs: 1,
    aliases: ['image save', 'save'],
    flags: [help, { name: 'output', short: 'o', type: 'string', desc: 'Write to a file, instead of STDOUT' },
      { name: 'platform', type: 'list', desc: 'Save only the given platform(s)' }],
  },
  async run(cli, p) {
    const output = str(p, 'output');
    if (!output && cli.stdout.isTTY) throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const res = await cli.client.request('GET', '/images/get', { query: { names: p.args, platform: list(p, 'platform').length ? list(p, 'platform') : undefined } });
    await writeOutput(cli, output, res);
    return 0;
  },
};

export const load: Command = {
  spec: {
    name: 'load', usage: '[OPTIONS]', desc: 'Load an image from a tar archive or STDIN', maxArgs: 0, aliases: ['image load', 'load'],
    flags: [help, { name: 'input', short: 'i', type: 'string', desc: 'Read from tar archive file, instead of STDIN' },
      { name: 'platform', type: 'list', desc: 'Load only the given platform(s)' },
      { name: 'quiet', short: 'q', type: 'bool', desc: 'Suppress the load output' }],
  },
  async run(cli, p) {
    const input = str(p, 'input');
    if (!input && cli.stdin.isTTY) throw new StatusError(1, 'requested load from stdin, but stdin is empty');
    const body: Readable = input ? createReadStream(input) : cli.stdin;
    if (input) await new Promise<void>((ok, fail) => { (body as ReturnType<typeof createReadStream>).once('open', () => ok()).once('error', fail); })
      .catch((e: NodeJS.ErrnoException) => { throw new StatusError(1, `open ${input}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`); });
    const quiet = bool(p, 'quiet') || !cli.stdout.isTTY;
    const res = await cli.client.request('POST', '/images/load', { query: { quiet: quiet || undefined }, body, contentType: 'application/x-tar' });
    const ct = String(res.headers['content-type'] ?? '');
    if (ct.startsWith('application/json')) await renderMessages(cli, res);
    else await pipeline(res, cli.stdout, { end: false });
    return 0;
  },
};

export const importCmd: Command = {
  spec: {
    name: 'import', usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]', desc: 'Import the contents from a tarball to create a filesystem image',
    minArgs: 1, maxArgs: 2, aliases: ['image import', 'import'],
    flags: [
      { name: 'change', short: 'c', type: 'list', desc: 'Apply Dockerfile instruction to the created image' }, help,
      { name: 'message', short: 'm', type: 'string', desc: 'Set commit message for imported image' },
      { name: 'platform', type: 'string', desc: 'Set platform if server is multi-platform capable' },
    ],
  },
  async run(cli, p) {
    const [source, ref] = p.args as [string, string | undefined];
    let fromSrc = source;
    let body: Readable | undefined;
    if (source === '-') body = cli.stdin;
    else if (!/^https?:\/\//.test(source)) {
      const f = createReadStream(source);
      await new Promise<void>((ok, fail) => f.once('open', () => ok()).once('error', fail))
        .catch((e: NodeJS.ErrnoException) => { throw new StatusError(1, `open ${source}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`); });
      body = f;
      fromSrc = '-';
    }
    if (ref && /[A-Z]/.test(ref.split(':')[0]!)) throw new StatusError(1, `invalid reference format: repository name (${ref}) must be lowercase`);
    const res = await cli.client.request('POST', '/images/create', {
      query: { changes: list(p, 'change').length ? list(p, 'change') : undefined, fromSrc, message: str(p, 'message') || undefined, platform: str(p, 'platform') || undefined, repo: ref },
      body, contentType: 'text/plain',
    });
    await renderMessages(cli, res);
    return 0;
  },
};
