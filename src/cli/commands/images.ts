// `images` / `image ls`, `rmi`, `tag`, `history`.
import { ApiError } from '../../client/errors.js';
import { bool, formatFlag, list, StatusError, str, type Command } from '../cli.js';
import { ellipsis, truncateId } from '../format/container-context.js';
import { formatRows } from '../format/docker-format.js';
import { imageContext, imageRows, IMAGES_DEFAULT_TABLE, IMAGES_DIGESTS_TABLE, IMAGES_HEADERS, type ImageSummary } from '../format/image-context.js';
import { ago } from '../format/time.js';
import { humanSizeWithPrecision } from '../format/units.js';
import { filtersJson } from '../filters.js';
import { parseRef } from '../reference.js';

const help = { name: 'help', type: 'bool' as const, desc: 'Print usage' };
const errText = (e: unknown) => (e instanceof ApiError ? `Error response from daemon: ${e.message}` : (e as Error).message);

export const images: Command = {
  spec: {
    name: 'images', usage: '[OPTIONS] [REPOSITORY[:TAG]]', desc: 'List images', maxArgs: 1,
    aliases: ['image ls', 'image list', 'images'],
    flags: [
      { name: 'all', short: 'a', type: 'bool', desc: 'Show all images (default hides intermediate images)' },
      { name: 'digests', type: 'bool', desc: 'Show digests' },
      { name: 'filter', short: 'f', type: 'list', desc: 'Filter output based on conditions provided' },
      formatFlag(), help,
      { name: 'no-trunc', type: 'bool', desc: "Don't truncate output" },
      { name: 'quiet', short: 'q', type: 'bool', desc: 'Only show image IDs' },
      { name: 'tree', type: 'bool', desc: 'List multi-platform images as a tree (EXPERIMENTAL)' },
    ],
  },
  async run(cli, p) {
    const extra: [string, string][] = p.args[0] ? [['reference', p.args[0]]] : [];
    const list_ = await cli.client.json<ImageSummary[]>('GET', '/images/json', {
      query: { all: bool(p, 'all') || undefined, filters: filtersJson(list(p, 'filter'), extra) },
    });
    const digests = bool(p, 'digests');
    let format = str(p, 'format');
    if (bool(p, 'quiet')) format = '{{.ID}}';
    const trunc = !bool(p, 'no-trunc');
    const now = Date.now();
    const rows = (list_ ?? []).flatMap((img) => imageRows(img, digests).map((r) => imageContext(img, r, trunc, now)));
    const defaultTable = digests ? IMAGES_DIGESTS_TABLE : IMAGES_DEFAULT_TABLE;
    cli.out(formatRows({ format, defaultTable, headers: IMAGES_HEADERS }, rows));
    return 0;
  },
};

export const rmi: Command = {
  spec: {
    name: 'rmi', usage: '[OPTIONS] IMAGE [IMAGE...]', desc: 'Remove one or more images', minArgs: 1,
    aliases: ['image rm', 'image remove', 'rmi'],
    flags: [
      { name: 'force', short: 'f', type: 'bool', desc: 'Force removal of the image' }, help,
      { name: 'no-prune', type: 'bool', desc: 'Do not delete untagged parents' },
      { name: 'platform', type: 'list', desc: 'Remove only the given platform variant' },
    ],
  },
  async run(cli, p) {
    const errs: string[] = [];
    for (const name of p.args) {
      try {
        const res = await cli.client.json<{ Untagged?: string; Deleted?: string }[]>('DELETE', `/images/${name}`, {
          query: { force: bool(p, 'force') || undefined, noprune: bool(p, 'no-prune') || undefined },
        });
        for (const d of res ?? []) {
          if (d.Untagged) cli.outLine(`Untagged: ${d.Untagged}`);
          if (d.Deleted) cli.outLine(`Deleted: ${d.Deleted}`);
        }
      } catch (e) { errs.push(errText(e)); }
    }
    if (errs.length) throw new StatusError(1, errs.join('\n'));
    return 0;
  },
};

export const tag: Command = {
  spec: { name: 'tag', usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]', desc: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', minArgs: 2, maxArgs: 2, flags: [help] },
  async run(cli, p) {
    const [src, target] = p.args as [string, string];
    const t = parseRef(target);
    if (t.digest) throw new StatusError(1, 'refusing to create a tag with a digest reference');
    if (!/^[a-z0-9]/.test(t.name) || /[A-Z]/.test(t.name)) throw new StatusError(1, `Error parsing reference: "${target}" is not a valid repository/tag: invalid reference format`);
    await cli.client.call('POST', `/images/${src}/tag`, { query: { repo: t.name, tag: t.tag ?? 'latest' } });
    return 0;
  },
};

interface HistoryItem { Id: string; Created: number; CreatedBy: string; Tags?: string[] | null; Size: number; Comment: string }

export const history: Command = {
  spec: {
    name: 'history', usage: '[OPTIONS] IMAGE', desc: 'Show the history of an image', minArgs: 1, maxArgs: 1,
    aliases: ['image history', 'history'],
    flags: [
      formatFlag(), help,
      { name: 'human', short: 'H', type: 'bool', default: true, desc: 'Print sizes and dates in human readable format' },
      { name: 'no-trunc', type: 'bool', desc: "Don't truncate output" },
      { name: 'platform', type: 'string', desc: 'Show history for the given platform' },
      { name: 'quiet', short: 'q', type: 'bool', desc: 'Only show image IDs' },
    ],
  },
  async run(cli, p) {
    const items = await cli.client.json<HistoryItem[]>('GET', `/images/${p.args[0]}/history`, { query: { platform: str(p, 'platform') || undefined } });
    const trunc = !bool(p, 'no-trunc');
    const human = p.flags.human !== false;
    const now = Date.now();
    let format = str(p, 'format');
    if (bool(p, 'quiet')) format = '{{.ID}}';
    const rows = (items ?? []).map((h) => {
      const ctx = {
        ID: () => (h.Id === '<missing>' || !trunc ? h.Id : truncateId(h.Id)),
        CreatedSince: () => (human ? ago(h.Created * 1000, now) : new Date(h.Created * 1000).toISOString().replace('.000Z', 'Z')),
        CreatedAt: () => new Date(h.Created * 1000).toISOString().replace('.000Z', 'Z'),
        CreatedBy: () => { const c = (h.CreatedBy ?? '').replace(/\t/g, ' '); return trunc ? ellipsis(c, 45) : c; },
        Size: () => (human ? humanSizeWithPrecision(h.Size, 3) : String(h.Size)),
        Comment: () => h.Comment ?? '',
        toJSON: () => ({ Comment: ctx.Comment(), CreatedAt: ctx.CreatedAt(), CreatedBy: ctx.CreatedBy(), CreatedSince: ctx.CreatedSince(), ID: ctx.ID(), Size: ctx.Size() }),
      };
      return ctx;
    });
    cli.out(formatRows({
      format,
      defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
      headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
    }, rows));
    return 0;
  },
};
