// `inspect` with docker's fallback chain (container → image → network → volume) and the typed variants
// `container inspect` / `image inspect`. Output: 4-space indented JSON array, or one template line per object.
import { ApiError, isNotFound } from '../../client/errors.js';
import type { Parsed } from '../args.js';
import { bool, StatusError, str, type Cli, type Command } from '../cli.js';
import { formatOne } from '../format/docker-format.js';

type Getter = (name: string) => Promise<unknown>;

function getters(cli: Cli, size: boolean): Record<string, Getter> {
  const c = cli.client;
  return {
    container: (n) => c.json('GET', `/containers/${n}/json`, { query: { size: size || undefined } }),
    image: (n) => c.json('GET', `/images/${n}/json`),
    network: (n) => c.json('GET', `/networks/${n}`),
    volume: (n) => c.json('GET', `/volumes/${n}`),
  };
}

async function inspectAll(cli: Cli, p: Parsed, kind: string | undefined): Promise<number> {
  const g = getters(cli, bool(p, 'size'));
  if (kind && !g[kind]) throw new StatusError(1, `"${kind}" is not a valid value for --type`);
  const chain = kind ? [kind] : ['container', 'image', 'network', 'volume'];
  const found: unknown[] = [];
  const errs: string[] = [];
  const format = str(p, 'format');
  let out = '';
  for (const name of p.args) {
    let value: unknown;
    let lastErr: unknown;
    for (const k of chain) {
      try { value = await g[k]!(name); lastErr = undefined; break; } catch (e) {
        lastErr = e;
        if (!isNotFound(e)) break;
      }
    }
    if (value === undefined) {
      if (lastErr instanceof ApiError && !isNotFound(lastErr)) errs.push(`Error response from daemon: ${lastErr.message}`);
      else if (!kind) errs.push(`Error: No such object: ${name}`);
      else if (lastErr instanceof ApiError) errs.push(`Error response from daemon: ${lastErr.message}`);
      else errs.push(String((lastErr as Error)?.message ?? lastErr));
      continue;
    }
    if (format && format !== 'json') {
      try { out += formatOne(format, value) + '\n'; } catch (e) { throw new StatusError(1, (e as Error).message); }
    } else found.push(value);
  }
  if (!format || format === 'json') out = found.length ? JSON.stringify(found, null, 4) + '\n' : '[]\n';
  cli.out(out);
  if (errs.length) throw new StatusError(1, errs.join('\n'));
  return 0;
}

const flags = (withType: boolean) => [
  { name: 'format', short: 'f', type: 'string' as const, desc: 'Format output using a custom template' },
  { name: 'help', type: 'bool' as const, desc: 'Print usage' },
  { name: 'size', short: 's', type: 'bool' as const, desc: 'Display total file sizes if the type is container' },
  ...(withType ? [{ name: 'type', type: 'string' as const, desc: 'Only inspect objects of the given type' }] : []),
];

export const inspect: Command = {
  spec: { name: 'inspect', usage: '[OPTIONS] NAME|ID [NAME|ID...]', desc: 'Return low-level information on Docker objects', minArgs: 1, flags: flags(true) },
  run: (cli, p) => inspectAll(cli, p, str(p, 'type') || undefined),
};

export const containerInspect: Command = {
  spec: { name: 'container inspect', usage: '[OPTIONS] CONTAINER [CONTAINER...]', desc: 'Display detailed information on one or more containers', minArgs: 1, flags: flags(false) },
  run: (cli, p) => inspectAll(cli, p, 'container'),
};

export const imageInspect: Command = {
  spec: {
    name: 'image inspect', usage: '[OPTIONS] IMAGE [IMAGE...]', desc: 'Display detailed information on one or more images', minArgs: 1,
    flags: flags(false).filter((f) => f.name !== 'size'),
  },
  run: (cli, p) => inspectAll(cli, p, 'image'),
};
