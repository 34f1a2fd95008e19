// Docker's rules for local volume names and driver options (moby daemon/volume/local).
import { invalid } from '../../lib/errors.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function validateVolumeName(name: string): void {
  if (name.length === 1) throw invalid('volume name is too short, names should be at least two alphanumeric characters');
  if (!NAME_RE.test(name)) {
    throw invalid(`"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

const VALID_OPTS = ['type', 'o', 'device', 'size'];
const REQUIRES: Record<string, string[]> = { device: ['type'], type: ['device'], o: ['device', 'type'] };

/** The local driver's option check: known keys, and type/device/o only together. */
export function validateLocalOptions(opts: Record<string, string>): void {
  for (const k of Object.keys(opts)) if (!VALID_OPTS.includes(k)) throw invalid(`invalid option: "${k}"`);
  if (opts.size !== undefined) throw invalid('quota size requested but no quota support');
  for (const [k, reqs] of Object.entries(REQUIRES)) {
    if (opts[k] === undefined) continue;
    for (const r of reqs) if (opts[r] === undefined) throw invalid(`missing required option: "${r}"`);
  }
}

/** `o=` split into mount(8) flags; a bind-style volume (`o=bind`) needs an absolute existing device path. */
export function isBindOpts(opts: Record<string, string>): boolean {
  return (opts.o ?? '').split(',').some((o) => o === 'bind' || o === 'rbind');
}
