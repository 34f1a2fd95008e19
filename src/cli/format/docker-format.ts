// docker's formatter.Context: "table"/"table TMPL"/"json"/"TMPL" formats, literal \t and \n, header row executed
// against a header map with pass-through functions, rows through tabwriter for tables. Pure.
import { Template, TemplateError, type TemplateFuncs } from './template.js';
import { tabwrite } from './tabwriter.js';

/** docker's templates.basicFunctions. */
export const DOCKER_FUNCS: TemplateFuncs = {
  json: (v: unknown) => goJson(v),
  split: (s: string, sep: string) => String(s).split(sep),
  join: (a: unknown[], sep: string) => (Array.isArray(a) ? a.map(String).join(sep) : String(a)),
  title: (s: string) => String(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase()),
  lower: (s: string) => String(s).toLowerCase(),
  upper: (s: string) => String(s).toUpperCase(),
  pad: (s: string, prefix: number, suffix: number) => ' '.repeat(prefix) + String(s) + ' '.repeat(suffix),
  truncate: (s: string, n: number) => { const r = [...String(s)]; return r.length > n ? r.slice(0, n).join('') : String(s); },
};

/** Header-row variants: they pass the header text through untouched (docker's templates.HeaderFunctions). */
const HEADER_FUNCS: TemplateFuncs = {
  json: (v: unknown) => v,
  split: (v: unknown) => v,
  join: (v: unknown) => v,
  title: (v: unknown) => v,
  lower: (v: unknown) => v,
  upper: (v: unknown) => v,
  pad: (v: unknown) => v,
  truncate: (v: unknown) => v,
};

/** json.Marshal (HTML-escaped, no trailing newline), as docker's "json" template function does. */
export function goJson(v: unknown): string {
  const s = JSON.stringify(v === undefined ? null : v);
  // Go's json.Marshal escapes <, > and & for HTML safety; docker's "json" function keeps that.
  return s === undefined ? 'null' : s.replace(/[<>&]/g, (c) => '\\u00' + c.charCodeAt(0).toString(16));
}

export const JSON_FORMAT = '{{json .}}';

export interface FormatSpec {
  /** What the user passed to --format ("" means the command's default). */
  format: string;
  /** Table format used for "" and "table". */
  defaultTable: string;
  /** Field name → column header. */
  headers: Record<string, string>;
}

/** Resolve shorthands: "" and "table" → default table; "json" → {{json .}}. */
export function resolveFormat(format: string, defaultTable: string): string {
  if (format === '' || format === 'table') return defaultTable;
  if (format === 'json') return JSON_FORMAT;
  return format;
}

export function isTableFormat(format: string): boolean { return format.startsWith('table'); }

/** Parse a docker --format string into a template (after stripping "table" and expanding \t \n). */
export function compileFormat(format: string): Template {
  let f = isTableFormat(format) ? format.slice('table'.length) : format;
  f = f.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  try {
    return new Template(f, DOCKER_FUNCS);
  } catch (e) {
    throw new TemplateError(`template parsing error: template: :1: ${(e as Error).message}`);
  }
}

/** Render rows (context objects) the way formatter.Context does; returns the text to print. */
export function formatRows(spec: FormatSpec, rows: unknown[]): string {
  const format = resolveFormat(spec.format, spec.defaultTable);
  const tmpl = compileFormat(format);
  let body = '';
  for (const row of rows) {
    try { body += tmpl.execute(row) + '\n'; } catch (e) { throw new TemplateError(`template: :1: ${(e as Error).message}`); }
  }
  if (!isTableFormat(format)) return body;
  let head = '';
  try { head = tmpl.execute({ ...spec.headers }, HEADER_FUNCS); } catch { head = ''; }
  return tabwrite(head + '\n' + body);
}

/** Execute a plain (non-table) template on one value, as inspect/version/info -f do; no trailing newline. */
export function formatOne(format: string, value: unknown): string {
  const tmpl = compileFormat(format);
  try { return tmpl.execute(value); } catch (e) { throw new TemplateError(`template: :1: ${(e as Error).message}`); }
}
