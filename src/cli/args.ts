// A pflag-compatible argument parser: `-it` bundles, `-p8080:80` and `-e=X` attached values, `--flag=value`,
// `--flag value`, repeated list flags, `--` ends flags, `--bool=false`, and interspersed=false (flags stop at the
// first positional) for commands that take a command line (run, create, exec). Error texts are pflag's.

export type FlagType = 'bool' | 'string' | 'list' | 'int' | 'float';

export interface FlagDef {
  name: string;
  short?: string;
  type: FlagType;
  desc?: string;
  default?: string | number | boolean;
  /** Accepted but not shown in --help. */
  hidden?: boolean;
}

export interface CommandSpec {
  /** "run", "container ls", ... (without the program name). */
  name: string;
  usage: string;
  desc: string;
  flags: FlagDef[];
  /** false: flags end at the first positional argument (docker run/exec). Default true. */
  interspersed?: boolean;
  minArgs?: number;
  maxArgs?: number;
  aliases?: string[];
}

export type FlagValue = string | number | boolean | string[];

export interface Parsed {
  args: string[];
  /** Values by long name; defaults are filled in (lists default to []). */
  flags: Record<string, FlagValue>;
  /** Long names the user actually set. */
  changed: Set<string>;
}

export class FlagError extends Error {}

export function defaultValue(f: FlagDef): FlagValue {
  if (f.default !== undefined) return f.default;
  switch (f.type) {
    case 'bool': return false;
    case 'list': return [];
    case 'int': case 'float': return 0;
    default: return '';
  }
}

function parseBool(s: string, flagDesc: string): boolean {
  const l = s.toLowerCase();
  if (['1', 't', 'true'].includes(l)) return true;
  if (['0', 'f', 'false'].includes(l)) return false;
  throw new FlagError(`invalid argument "${s}" for "${flagDesc}" flag: strconv.ParseBool: parsing "${s}": invalid syntax`);
}

const describe = (f: FlagDef) => (f.short ? `-${f.short}, --${f.name}` : `--${f.name}`);

export function parseArgs(spec: CommandSpec, argv: string[]): Parsed {
  const byName = new Map<string, FlagDef>();
  const byShort = new Map<string, FlagDef>();
  for (const f of spec.flags) {
    byName.set(f.name, f);
    if (f.short) byShort.set(f.short, f);
  }
  const flags: Record<string, FlagValue> = {};
  for (const f of spec.flags) flags[f.name] = defaultValue(f);
  const changed = new Set<string>();
  const listTouched = new Set<string>();
  const args: string[] = [];

  const set = (f: FlagDef, raw: string) => {
    switch (f.type) {
      case 'bool': flags[f.name] = parseBool(raw, describe(f)); break;
      case 'list': {
        const cur = listTouched.has(f.name) ? flags[f.name] as string[] : [];
        listTouched.add(f.name);
        flags[f.name] = [...cur, raw];
        break;
      }
      case 'int': {
        if (!/^[-+]?\d+$/.test(raw)) throw new FlagError(`invalid argument "${raw}" for "${describe(f)}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
        flags[f.name] = parseInt(raw, 10); break;
      }
      case 'float': {
        const n = Number(raw);
        if (raw.trim() === '' || Number.isNaN(n)) throw new FlagError(`invalid argument "${raw}" for "${describe(f)}" flag: strconv.ParseFloat: parsing "${raw}": invalid syntax`);
        flags[f.name] = n; break;
      }
      default: flags[f.name] = raw;
    }
    changed.add(f.name);
  };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--') { args.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const f = byName.get(name);
      if (!f) {
        if (name === 'help') throw new HelpRequested();
        throw new FlagError(`unknown flag: --${name}`);
      }
      if (eq >= 0) set(f, a.slice(eq + 1));
      else if (f.type === 'bool') set(f, 'true');
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        set(f, argv[++i]!);
      }
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // A shorthand bundle: each letter a bool until one takes a value (the rest of the word, or the next arg).
      let j = 1;
      while (j < a.length) {
        const c = a[j]!;
        const f = byShort.get(c);
        if (!f) {
          if (c === 'h' && !byShort.has('h')) throw new HelpRequested();
          throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        }
        if (f.type === 'bool') {
          if (a[j + 1] === '=') { set(f, a.slice(j + 2)); break; }
          set(f, 'true'); j++; continue;
        }
        let value = a.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        else if (value === '') {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          value = argv[++i]!;
        }
        set(f, value);
        break;
      }
      i++;
      continue;
    }
    // positional
    if (spec.interspersed === false) { args.push(...argv.slice(i)); break; }
    args.push(a);
    i++;
  }
  return { args, flags, changed };
}

export class HelpRequested extends Error { constructor() { super('help requested'); } }

/** Check positional counts with docker's wording; returns an error message or undefined. */
export function checkArgCount(spec: CommandSpec, prog: string, n: number): string | undefined {
  const cmd = `${prog} ${spec.name}`;
  if (spec.minArgs !== undefined && n < spec.minArgs) {
    if (spec.maxArgs === spec.minArgs) return `'${cmd}' requires ${spec.minArgs === 1 ? '1 argument' : `exactly ${spec.minArgs} arguments`}`;
    return `'${cmd}' requires at least ${spec.minArgs} argument${spec.minArgs === 1 ? '' : 's'}`;
  }
  if (spec.maxArgs !== undefined && n > spec.maxArgs) {
    if (spec.maxArgs === 0) return `'${cmd}' accepts no arguments`;
    if (spec.maxArgs === spec.minArgs) return `'${cmd}' requires ${spec.minArgs === 1 ? '1 argument' : `exactly ${spec.minArgs} arguments`}`;
    return `'${cmd}' requires at most ${spec.maxArgs} argument${spec.maxArgs === 1 ? '' : 's'}`;
  }
  return undefined;
}

/** Render `--help` text in docker's layout. */
export function helpText(spec: CommandSpec, prog: string): string {
  const lines = [`Usage:  ${prog} ${spec.name} ${spec.usage}`.trimEnd(), '', spec.desc, ''];
  if (spec.aliases?.length) lines.push('Aliases:', '  ' + spec.aliases.map((a) => `${prog} ${a}`).join(', '), '');
  const visible = spec.flags.filter((f) => !f.hidden);
  if (visible.length) {
    lines.push('Options:');
    const rows = visible.map((f) => {
      const type = f.type === 'bool' ? '' : f.type === 'list' ? ' list' : f.type === 'int' ? ' int' : f.type === 'float' ? ' decimal' : ' string';
      return [(f.short ? `  -${f.short}, ` : '      ') + `--${f.name}${type}`, f.desc ?? ''] as const;
    });
    const w = Math.max(...rows.map((r) => r[0].length)) + 3;
    for (const [l, d] of rows) lines.push((l.padEnd(w) + d).trimEnd());
  }
  return lines.join('\n') + '\n';
}
