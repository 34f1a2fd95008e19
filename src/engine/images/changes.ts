// `docker import --change` / `docker commit --change`: Dockerfile instructions applied to an image's run
// config. Only the instructions Docker accepts for commit/import are allowed.
import { invalid } from '../../lib/errors.js';
import type { ImageRunConfig } from './types.js';

const allowed = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** Parses `["a","b"]`; undefined when the text is not a JSON array of strings (then it is shell form). */
function jsonForm(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(rest) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

function commandForm(rest: string, cfg: ImageRunConfig): string[] {
  return jsonForm(rest) ?? [...(cfg.Shell ?? ['/bin/sh', '-c']), rest];
}

/** Splits `a=1 b="two words" c=x\ y` into pairs, honouring quotes and backslashes. */
export function parseKeyValues(rest: string, instr: string): Array<[string, string]> {
  const words: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"' && i + 1 < rest.length) cur += rest[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") { quote = ch; inWord = true; }
    else if (ch === '\\' && i + 1 < rest.length) { cur += rest[++i]; inWord = true; }
    else if (/\s/.test(ch)) { if (inWord) words.push(cur); cur = ''; inWord = false; }
    else { cur += ch; inWord = true; }
  }
  if (quote) throw invalid(`${instr}: unterminated quote`);
  if (inWord) words.push(cur);
  if (words.length === 0) throw invalid(`${instr} requires at least one argument`);
  if (!words[0].includes('=')) {
    // Legacy form: `ENV key value with spaces`.
    const m = /^\s*(\S+)\s+(.*)$/s.exec(rest);
    if (!m) throw invalid(`${instr} names can not be blank`);
    return [[m[1], m[2].trim()]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw invalid(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function exposedPorts(rest: string): string[] {
  const out: string[] = [];
  for (const spec of rest.split(/\s+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
    if (!m) throw invalid(`invalid containerPort: ${spec}`);
    const first = Number(m[1]);
    const last = m[2] !== undefined ? Number(m[2]) : first;
    if (last < first || last > 65535) throw invalid(`invalid containerPort: ${spec}`);
    for (let p = first; p <= last; p++) out.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return out;
}

function workdir(rest: string, cfg: ImageRunConfig): string {
  if (rest.startsWith('/')) return rest;
  const base = cfg.WorkingDir || '/';
  return (base.endsWith('/') ? base : base + '/') + rest;
}

function healthcheck(rest: string): unknown {
  if (/^NONE$/i.test(rest)) return { Test: ['NONE'] };
  const m = /^CMD\s+(.*)$/is.exec(rest);
  if (!m) throw invalid('HEALTHCHECK: only NONE and CMD forms without options are supported');
  const json = jsonForm(m[1]);
  return { Test: json ? ['CMD', ...json] : ['CMD-SHELL', m[1]] };
}

function applyOne(cfg: ImageRunConfig, line: string): void {
  const m = /^\s*(\S+)\s*(.*?)\s*$/s.exec(line);
  if (!m) return;
  const instr = m[1].toUpperCase();
  const rest = m[2];
  if (!allowed.has(instr)) throw invalid(`${m[1].toLowerCase()} is not a valid change command`);
  switch (instr) {
    case 'CMD': cfg.Cmd = commandForm(rest, cfg); break;
    case 'ENTRYPOINT': cfg.Entrypoint = rest === '' ? null : commandForm(rest, cfg); break;
    case 'ENV':
      for (const [k, v] of parseKeyValues(rest, 'ENV')) {
        const env = (cfg.Env ?? []).filter((e) => e.split('=')[0] !== k);
        env.push(`${k}=${v}`);
        cfg.Env = env;
      }
      break;
    case 'LABEL':
      for (const [k, v] of parseKeyValues(rest, 'LABEL')) cfg.Labels = { ...(cfg.Labels ?? {}), [k]: v };
      break;
    case 'EXPOSE':
      for (const p of exposedPorts(rest)) cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}), [p]: {} };
      break;
    case 'VOLUME':
      for (const v of jsonForm(rest) ?? rest.split(/\s+/).filter(Boolean)) {
        if (v === '') throw invalid('VOLUME specified can not be an empty string');
        cfg.Volumes = { ...(cfg.Volumes ?? {}), [v]: {} };
      }
      break;
    case 'USER': cfg.User = rest; break;
    case 'WORKDIR': cfg.WorkingDir = workdir(rest, cfg); break;
    case 'STOPSIGNAL': cfg.StopSignal = rest; break;
    case 'ONBUILD': cfg.OnBuild = [...(cfg.OnBuild ?? []), rest]; break;
    case 'HEALTHCHECK': cfg.Healthcheck = healthcheck(rest); break;
  }
}

/** Applies change lines (each may hold several instructions separated by newlines) to a copy of `base`. */
export function applyChanges(base: ImageRunConfig, changes: string[]): ImageRunConfig {
  const cfg: ImageRunConfig = structuredClone(base);
  for (const change of changes) {
    for (const line of change.split('\n')) if (line.trim() !== '') applyOne(cfg, line);
  }
  return cfg;
}
