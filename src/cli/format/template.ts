// A Go text/template subset, enough for docker's --format: fields and chains ({{.State.ExitCode}}), methods
// with arguments ({{.Label "k"}}), pipelines, parenthesised pipelines, variables ($, $x := ...), if/else if/else,
// range (with $i, $v), with, comments, {{- -}} trimming, and docker's function map plus Go's builtins.
// Pure: parse once, execute against any JS value. Missing map keys print "<no value>" as Go does.

export type TemplateFuncs = Record<string, (...args: any[]) => unknown>;

export class TemplateError extends Error {}

// ---------- lexer ----------

type Tok =
  | { t: 'text'; v: string }
  | { t: 'field'; v: string[] }   // .A.B (empty array = dot)
  | { t: 'var'; v: string; path: string[] } // $x.A
  | { t: 'ident'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'nil' }
  | { t: 'pipe' } | { t: 'lparen' } | { t: 'rparen' }
  | { t: 'declare' } | { t: 'assign' } | { t: 'comma' }
  | { t: 'fieldchain'; v: string[] } // .A.B right after a ')'
  | { t: 'open' } | { t: 'close' };

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let trimNextText = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNextText) { text = text.replace(/^\s+/, ''); trimNextText = false; }
    if (open < 0) { if (text) toks.push({ t: 'text', v: text }); break; }
    let j = open + 2;
    if (src[j] === '-' && /\s/.test(src[j + 1] ?? '')) { text = text.replace(/\s+$/, ''); j += 1; }
    if (text) toks.push({ t: 'text', v: text });
    // comment
    const afterWs = src.slice(j).match(/^\s*/)![0].length;
    if (src.startsWith('/*', j + afterWs)) {
      const end = src.indexOf('*/', j + afterWs + 2);
      if (end < 0) throw new TemplateError('unclosed comment');
      let k = end + 2;
      k += src.slice(k).match(/^\s*/)![0].length;
      if (src.startsWith('-}}', k)) { trimNextText = true; k += 3; } else if (src.startsWith('}}', k)) k += 2;
      else throw new TemplateError('comment ends before closing delimiter');
      i = k;
      continue;
    }
    toks.push({ t: 'open' });
    // action body
    for (;;) {
      while (j < src.length && /\s/.test(src[j]!)) {
        j++;
      }
      if (j >= src.length) throw new TemplateError('unclosed action');
      if (src.startsWith('-}}', j) && /\s/.test(src[j - 1]!)) { trimNextText = true; j += 3; break; }
      if (src.startsWith('}}', j)) { j += 2; break; }
      const c = src[j]!;
      if (c === '|') { toks.push({ t: 'pipe' }); j++; continue; }
      if (c === '(') { toks.push({ t: 'lparen' }); j++; continue; }
      if (c === ')') {
        toks.push({ t: 'rparen' }); j++;
        const m = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(src.slice(j));
        if (m) { toks.push({ t: 'fieldchain', v: m[0].slice(1).split('.') }); j += m[0].length; }
        continue;
      }
      if (c === ',') { toks.push({ t: 'comma' }); j++; continue; }
      if (src.startsWith(':=', j)) { toks.push({ t: 'declare' }); j += 2; continue; }
      if (c === '=') { toks.push({ t: 'assign' }); j++; continue; }
      if (c === '"') {
        let k = j + 1; let s = '';
        while (k < src.length && src[k] !== '"') {
          if (src[k] === '\\') {
            const e = src[k + 1];
            s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '\\' ? '\\' : e === '"' ? '"' : '\\' + (e ?? '');
            k += 2;
          } else s += src[k++];
        }
        if (k >= src.length) throw new TemplateError('unterminated quoted string');
        toks.push({ t: 'string', v: s }); j = k + 1; continue;
      }
      if (c === '`') {
        const k = src.indexOf('`', j + 1);
        if (k < 0) throw new TemplateError('unterminated raw quoted string');
        toks.push({ t: 'string', v: src.slice(j + 1, k) }); j = k + 1; continue;
      }
      const rest = src.slice(j);
      let m: RegExpExecArray | null;
      if ((m = /^\.(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?/.exec(rest))) {
        const body = m[0].slice(1);
        toks.push({ t: 'field', v: body ? body.split('.') : [] }); j += m[0].length; continue;
      }
      if ((m = /^\$[A-Za-z0-9_]*((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(rest))) {
        const name = m[0].slice(0, m[0].length - m[1]!.length);
        toks.push({ t: 'var', v: name, path: m[1] ? m[1].slice(1).split('.') : [] }); j += m[0].length; continue;
      }
      if ((m = /^[-+]?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(rest))) {
        toks.push({ t: 'number', v: Number(m[0]) }); j += m[0].length; continue;
      }
      if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
        const w = m[0];
        if (w === 'true' || w === 'false') toks.push({ t: 'bool', v: w === 'true' });
        else if (w === 'nil') toks.push({ t: 'nil' });
        else toks.push({ t: 'ident', v: w });
        j += w.length; continue;
      }
      throw new TemplateError(`unexpected "${c}" in command`);
    }
    toks.push({ t: 'close' });
    i = j;
  }
  return toks;
}

// ---------- parser ----------

type Arg =
  | { k: 'field'; path: string[] }
  | { k: 'var'; name: string; path: string[] }
  | { k: 'ident'; name: string }
  | { k: 'lit'; v: unknown }
  | { k: 'pipe'; pipe: Pipe; path: string[] };
interface Cmd { args: Arg[] }
interface Pipe { decl: string[]; assign: boolean; cmds: Cmd[] }
type Node =
  | { n: 'text'; v: string }
  | { n: 'action'; pipe: Pipe }
  | { n: 'if' | 'range' | 'with'; pipe: Pipe; list: Node[]; elseList: Node[] | null };

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

class Parser {
  private p = 0;
  constructor(private toks: Tok[], private funcs: TemplateFuncs) {}

  parseList(stopAt: Set<string>): { nodes: Node[]; stop: string | null; elseIdent?: string } {
    const nodes: Node[] = [];
    while (this.p < this.toks.length) {
      const tok = this.toks[this.p]!;
      if (tok.t === 'text') { nodes.push({ n: 'text', v: tok.v }); this.p++; continue; }
      if (tok.t !== 'open') throw new TemplateError('unexpected token');
      const kw = this.toks[this.p + 1];
      if (kw && kw.t === 'ident' && KEYWORDS.has(kw.v)) {
        if (kw.v === 'end' || kw.v === 'else') {
          if (!stopAt.has(kw.v)) throw new TemplateError(`unexpected {{${kw.v}}}`);
          this.p += 2;
          if (kw.v === 'else') {
            const nx = this.toks[this.p]!;
            if (nx.t === 'ident' && (nx.v === 'if' || nx.v === 'with')) {
              return { nodes, stop: 'else', elseIdent: nx.v };
            }
          }
          this.expect('close');
          return { nodes, stop: kw.v };
        }
        if (kw.v === 'if' || kw.v === 'range' || kw.v === 'with') {
          this.p += 2;
          nodes.push(this.parseControl(kw.v));
          continue;
        }
        throw new TemplateError(`{{${kw.v}}} is not supported`);
      }
      this.p++;
      const pipe = this.parsePipe('close');
      nodes.push({ n: 'action', pipe });
    }
    if (stopAt.size) throw new TemplateError('unexpected EOF');
    return { nodes, stop: null };
  }

  private parseControl(kind: 'if' | 'range' | 'with'): Node {
    const pipe = this.parsePipe('close');
    const body = this.parseList(new Set(['end', 'else']));
    let elseList: Node[] | null = null;
    if (body.stop === 'else') {
      if (body.elseIdent) {
        // {{else if ...}} / {{else with ...}}: a nested control that shares our {{end}}.
        this.p++;
        elseList = [this.parseControl(body.elseIdent as 'if' | 'with')];
      } else {
        const el = this.parseList(new Set(['end']));
        elseList = el.nodes;
      }
    }
    return { n: kind, pipe, list: body.nodes, elseList };
  }

  private expect(t: Tok['t']): void {
    const tok = this.toks[this.p];
    if (!tok || tok.t !== t) throw new TemplateError(`unexpected ${tok ? tok.t : 'EOF'}, expected ${t}`);
    this.p++;
  }

  private parsePipe(end: 'close' | 'rparen'): Pipe {
    const decl: string[] = [];
    let assign = false;
    // variable declarations: $x := ... / $i, $v := ...
    let q = this.p;
    const names: string[] = [];
    while (this.toks[q]?.t === 'var') {
      names.push((this.toks[q] as { v: string }).v);
      q++;
      if (this.toks[q]?.t === 'comma') { q++; continue; }
      break;
    }
    if (names.length && (this.toks[q]?.t === 'declare' || this.toks[q]?.t === 'assign')) {
      assign = this.toks[q]!.t === 'assign';
      decl.push(...names);
      this.p = q + 1;
    }
    const cmds: Cmd[] = [];
    let args: Arg[] = [];
    for (;;) {
      const tok = this.toks[this.p];
      if (!tok) throw new TemplateError('unclosed action');
      if (tok.t === end) { this.p++; break; }
      this.p++;
      switch (tok.t) {
        case 'pipe':
          if (!args.length) throw new TemplateError('missing command');
          cmds.push({ args }); args = []; break;
        case 'field': args.push({ k: 'field', path: tok.v }); break;
        case 'var': args.push({ k: 'var', name: tok.v, path: tok.path }); break;
        case 'ident':
          if (!(tok.v in this.funcs) && !(tok.v in BUILTINS)) throw new TemplateError(`function "${tok.v}" not defined`);
          args.push({ k: 'ident', name: tok.v }); break;
        case 'string': case 'number': case 'bool': args.push({ k: 'lit', v: tok.v }); break;
        case 'nil': args.push({ k: 'lit', v: null }); break;
        case 'lparen': {
          const inner = this.parsePipe('rparen');
          const chain = this.toks[this.p];
          let path: string[] = [];
          if (chain?.t === 'fieldchain') { path = chain.v; this.p++; }
          args.push({ k: 'pipe', pipe: inner, path });
          break;
        }
        default: throw new TemplateError(`unexpected ${tok.t} in command`);
      }
    }
    if (args.length) cmds.push({ args });
    if (!cmds.length) throw new TemplateError('missing value for command');
    return { decl, assign, cmds };
  }
}

// ---------- values ----------

/** Marker for "no value" (Go's invalid reflect.Value): missing map keys. */
export const NO_VALUE: unique symbol = Symbol('no value');

export function isTruthy(v: unknown): boolean {
  if (v === NO_VALUE || v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.keys(v as object).length > 0;
  return true;
}

/** Go's fmt %v rendering of JSON-ish values. */
export function formatValue(v: unknown): string {
  if (v === NO_VALUE || v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return '[' + v.map(inner).join(' ') + ']';
  if (v instanceof Map) return 'map[' + [...v.keys()].sort().map((k) => `${k}:${inner(v.get(k))}`).join(' ') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown> & { toString?: () => string };
    if (Object.getPrototypeOf(o) !== Object.prototype && typeof o.toString === 'function' && o.toString !== Object.prototype.toString) return o.toString();
    return 'map[' + Object.keys(o).sort().map((k) => `${k}:${inner(o[k])}`).join(' ') + ']';
  }
  return String(v);
}
const inner = (v: unknown) => (v === null || v === undefined ? '<nil>' : formatValue(v));

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // Go %v of float64 uses %g with the shortest representation; large exponents use e+XX.
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function field(value: unknown, name: string, args: unknown[]): unknown {
  if (value === null || value === undefined || value === NO_VALUE) {
    throw new TemplateError(`nil pointer evaluating interface {}.${name}`);
  }
  if (value instanceof Map) return value.has(name) ? value.get(name) : NO_VALUE;
  if (typeof value !== 'object') throw new TemplateError(`can't evaluate field ${name} in type ${typeof value}`);
  const o = value as Record<string, unknown>;
  const f = o[name];
  if (typeof f === 'function') return (f as (...a: unknown[]) => unknown).apply(o, args);
  if (args.length) throw new TemplateError(`${name} has arguments but cannot be invoked as function`);
  if (!(name in o)) {
    if (Object.getPrototypeOf(o) === Object.prototype) return NO_VALUE;
    throw new TemplateError(`can't evaluate field ${name}`);
  }
  return f;
}

// ---------- builtins (Go text/template) ----------

function lenOf(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (v && typeof v === 'object') return Object.keys(v).length;
  throw new TemplateError(`len of type ${typeof v}`);
}

function indexOf(v: unknown, ...keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (cur === null || cur === undefined || cur === NO_VALUE) throw new TemplateError('index of untyped nil');
    if (Array.isArray(cur)) {
      const i = Number(k);
      if (i < 0 || i >= cur.length) throw new TemplateError(`index out of range: ${i}`);
      cur = cur[i];
    } else if (cur instanceof Map) cur = cur.has(k) ? cur.get(k) : NO_VALUE;
    else if (typeof cur === 'object') {
      const o = cur as Record<string, unknown>;
      cur = Object.prototype.hasOwnProperty.call(o, String(k)) ? o[String(k)] : NO_VALUE;
    } else throw new TemplateError(`can't index item of type ${typeof cur}`);
  }
  // Go's index on a map with a missing key returns the zero value, which prints as "<no value>" for interface{}.
  return cur;
}

const cmp = (a: unknown, b: unknown) => (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;

export const BUILTINS: TemplateFuncs = {
  and: (...a: unknown[]) => { for (const x of a) if (!isTruthy(x)) return x; return a[a.length - 1]; },
  or: (...a: unknown[]) => { for (const x of a) if (isTruthy(x)) return x; return a[a.length - 1]; },
  not: (a: unknown) => !isTruthy(a),
  len: lenOf,
  index: indexOf,
  eq: (a: unknown, ...bs: unknown[]) => bs.some((b) => a === b),
  ne: (a: unknown, b: unknown) => a !== b,
  lt: (a: unknown, b: unknown) => cmp(a, b) < 0,
  le: (a: unknown, b: unknown) => cmp(a, b) <= 0,
  gt: (a: unknown, b: unknown) => cmp(a, b) > 0,
  ge: (a: unknown, b: unknown) => cmp(a, b) >= 0,
  print: (...a: unknown[]) => goSprint(a),
  println: (...a: unknown[]) => a.map(formatValue).join(' ') + '\n',
  printf: (f: string, ...a: unknown[]) => sprintf(f, a),
  slice: (v: unknown, ...ix: number[]) => (typeof v === 'string' || Array.isArray(v)) ? v.slice(ix[0] ?? 0, ix[1]) : v,
  urlquery: (...a: unknown[]) => encodeURIComponent(a.map(formatValue).join('')),
  html: (...a: unknown[]) => a.map(formatValue).join('').replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`),
  js: (...a: unknown[]) => JSON.stringify(a.map(formatValue).join('')).slice(1, -1),
  call: (fn: unknown, ...a: unknown[]) => (fn as (...x: unknown[]) => unknown)(...a),
};

/** fmt.Sprint: spaces only between operands when neither is a string. */
function goSprint(a: unknown[]): string {
  let out = '';
  for (let i = 0; i < a.length; i++) {
    if (i > 0 && typeof a[i] !== 'string' && typeof a[i - 1] !== 'string') out += ' ';
    out += formatValue(a[i]);
  }
  return out;
}

/** fmt.Sprintf for the verbs templates use: %s %v %d %q %x %f %t %% with flags, width and precision. */
export function sprintf(format: string, args: unknown[]): string {
  let ai = 0;
  return format.replace(/%([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([a-zA-Z%])/g, (_all, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (width === '*') width = String(args[ai++]);
    if (ai >= args.length) return `%!${verb}(MISSING)`;
    const a = args[ai++];
    let s: string;
    switch (verb) {
      case 'd': s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${typeof a}=${formatValue(a)})`; break;
      case 'f': case 'F': s = typeof a === 'number' ? a.toFixed(prec === undefined ? 6 : Number(prec)) : formatValue(a); break;
      case 'g': s = typeof a === 'number' ? formatNumber(a) : formatValue(a); break;
      case 'q': s = JSON.stringify(formatValue(a)); break;
      case 'x': s = typeof a === 'number' ? a.toString(16) : Buffer.from(formatValue(a)).toString('hex'); break;
      case 'X': s = typeof a === 'number' ? a.toString(16).toUpperCase() : Buffer.from(formatValue(a)).toString('hex').toUpperCase(); break;
      case 't': s = String(a); break;
      default: s = formatValue(a); if (prec !== undefined && (verb === 's' || verb === 'v')) s = s.slice(0, Number(prec));
    }
    if (width) {
      const w = Number(width);
      if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : flags.includes('0') && verb !== 's' ? s.padStart(w, '0') : s.padStart(w);
    }
    return s;
  });
}

// ---------- execution ----------

interface Scope { vars: { name: string; value: unknown }[] }

export class Template {
  private readonly nodes: Node[];
  constructor(readonly source: string, private readonly funcs: TemplateFuncs = {}) {
    const parser = new Parser(lex(source), { ...BUILTINS, ...funcs });
    this.nodes = parser.parseList(new Set()).nodes;
  }

  execute(data: unknown, funcs?: TemplateFuncs): string {
    const fns = { ...BUILTINS, ...this.funcs, ...(funcs ?? {}) };
    const out: string[] = [];
    const scope: Scope = { vars: [{ name: '$', value: data }] };
    this.walk(this.nodes, data, scope, fns, out);
    return out.join('');
  }

  private walk(nodes: Node[], dot: unknown, scope: Scope, fns: TemplateFuncs, out: string[]): void {
    const mark = scope.vars.length;
    for (const node of nodes) {
      switch (node.n) {
        case 'text': out.push(node.v); break;
        case 'action': {
          const v = this.evalPipe(node.pipe, dot, scope, fns);
          if (node.pipe.decl.length === 0) out.push(formatValue(v));
          break;
        }
        case 'if': case 'with': {
          const inner = scope.vars.length;
          const v = this.evalPipe(node.pipe, dot, scope, fns);
          if (isTruthy(v)) this.walk(node.list, node.n === 'with' ? v : dot, scope, fns, out);
          else if (node.elseList) this.walk(node.elseList, dot, scope, fns, out);
          scope.vars.length = inner;
          break;
        }
        case 'range': {
          const inner = scope.vars.length;
          const decl = node.pipe.decl;
          const v = this.evalPipe({ ...node.pipe, decl: [] }, dot, scope, fns);
          const items: [unknown, unknown][] = [];
          if (Array.isArray(v)) v.forEach((x, i) => items.push([i, x]));
          else if (v instanceof Map) [...v.keys()].sort().forEach((k) => items.push([k, v.get(k)]));
          else if (v && typeof v === 'object') {
            const o = v as Record<string, unknown>;
            Object.keys(o).sort().forEach((k) => items.push([k, o[k]]));
          } else if (typeof v === 'number') for (let i = 0; i < v; i++) items.push([i, i]);
          else if (v !== null && v !== undefined && v !== NO_VALUE) throw new TemplateError(`range can't iterate over ${formatValue(v)}`);
          if (items.length === 0) { if (node.elseList) this.walk(node.elseList, dot, scope, fns, out); break; }
          for (const [k, x] of items) {
            if (decl.length === 1) scope.vars.push({ name: decl[0]!, value: x });
            else if (decl.length === 2) scope.vars.push({ name: decl[0]!, value: k }, { name: decl[1]!, value: x });
            this.walk(node.list, x, scope, fns, out);
            scope.vars.length = inner;
          }
          break;
        }
      }
    }
    scope.vars.length = mark;
  }

  private evalPipe(pipe: Pipe, dot: unknown, scope: Scope, fns: TemplateFuncs): unknown {
    let value: unknown = undefined;
    let first = true;
    for (const cmd of pipe.cmds) {
      value = this.evalCmd(cmd, dot, scope, fns, first ? undefined : { v: value });
      first = false;
    }
    for (const name of pipe.decl) {
      if (pipe.assign) {
        const slot = [...scope.vars].reverse().find((x) => x.name === name);
        if (!slot) throw new TemplateError(`undefined variable: ${name}`);
        slot.value = value;
      } else scope.vars.push({ name, value });
    }
    return value;
  }

  private evalCmd(cmd: Cmd, dot: unknown, scope: Scope, fns: TemplateFuncs, final: { v: unknown } | undefined): unknown {
    const [head, ...rest] = cmd.args;
    const evalArgs = () => {
      const a = rest.map((x) => this.evalArg(x, dot, scope, fns));
      if (final) a.push(final.v);
      return a;
    };
    if (head!.k === 'ident') {
      const fn = fns[head!.name];
      if (!fn) throw new TemplateError(`function "${head!.name}" not defined`);
      return fn(...evalArgs());
    }
    if (head!.k === 'field' && head!.path.length > 0) {
      let cur: unknown = dot;
      const path = head!.path;
      for (let i = 0; i < path.length - 1; i++) cur = field(cur, path[i]!, []);
      return field(cur, path[path.length - 1]!, evalArgs());
    }
    if (rest.length || final) throw new TemplateError(`can't give argument to non-function`);
    return this.evalArg(head!, dot, scope, fns);
  }

  private evalArg(arg: Arg, dot: unknown, scope: Scope, fns: TemplateFuncs): unknown {
    switch (arg.k) {
      case 'lit': return arg.v;
      case 'field': return arg.path.reduce((cur, name) => field(cur, name, []), dot);
      case 'var': {
        const slot = [...scope.vars].reverse().find((x) => x.name === arg.name);
        if (!slot) throw new TemplateError(`undefined variable "${arg.name}"`);
        return arg.path.reduce((cur, name) => field(cur, name, []), slot.value);
      }
      case 'pipe': {
        const v = this.evalPipe(arg.pipe, dot, scope, fns);
        return arg.path.reduce((cur, name) => field(cur, name, []), v);
      }
      case 'ident': {
        const fn = fns[arg.name];
        if (!fn) throw new TemplateError(`function "${arg.name}" not defined`);
        return fn();
      }
    }
  }
}
