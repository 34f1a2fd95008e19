// Pure logic for --userns-remap: /etc/subuid and /etc/subgid parsing, picking a free subordinate range the way
// dockerd does for `dockremap`, the OCI ID mappings, and shifting container IDs to host IDs (layer unpack).
// No I/O here: the engine (src/engine/userns.ts) reads and writes the files.

export interface SubIdRange { name: string; start: number; length: number }
/** One OCI id mapping: container IDs [containerID, containerID+size) ↔ host IDs [hostID, hostID+size). */
export interface IdMapping { containerID: number; hostID: number; size: number }

/** Docker's defaults for the ranges it creates for `dockremap`. */
export const DEFAULT_RANGE_START = 100000;
export const DEFAULT_RANGE_LENGTH = 65536;

/** Lines `name:start:count` of /etc/subuid or /etc/subgid; comments, blanks and malformed lines are skipped. */
export function parseSubIds(text: string): SubIdRange[] {
  const out: SubIdRange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length !== 3 || !f[0] || !/^\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!)) continue;
    const start = Number(f[1]);
    const length = Number(f[2]);
    if (length === 0) continue;
    out.push({ name: f[0], start, length });
  }
  return out;
}

/** The ranges of one user, given by name and/or numeric ID (the files may use either), in file order. */
export function rangesFor(ranges: SubIdRange[], name: string | undefined, id: number | undefined): SubIdRange[] {
  return ranges.filter((r) => (name !== undefined && r.name === name) || (id !== undefined && r.name === String(id)));
}

/**
 * The first start ≥ DEFAULT_RANGE_START such that [start, start+length) overlaps none of the existing ranges
 * (of any user): dockerd's choice when it gives `dockremap` its ranges.
 */
export function pickFreeRange(existing: SubIdRange[], length = DEFAULT_RANGE_LENGTH, from = DEFAULT_RANGE_START): number {
  const sorted = [...existing].sort((a, b) => a.start - b.start);
  let start = from;
  for (const r of sorted) {
    const end = r.start + r.length;
    if (start < end && start + length > r.start) start = end;
  }
  return start;
}

/**
 * A start usable for both files at once (dockerd gives `dockremap` the same numbers in /etc/subuid and /etc/subgid
 * when it can): the first start free in both.
 */
export function pickFreeRangeBoth(uids: SubIdRange[], gids: SubIdRange[], length = DEFAULT_RANGE_LENGTH): number {
  return pickFreeRange([...uids, ...gids], length);
}

/** The line to append to /etc/subuid or /etc/subgid. */
export const subIdLine = (name: string, start: number, length = DEFAULT_RANGE_LENGTH) => `${name}:${start}:${length}\n`;

/** Consecutive ranges → OCI mappings: container ID 0 is the first subordinate ID, and so on (as dockerd builds them). */
export function toMappings(ranges: SubIdRange[]): IdMapping[] {
  const out: IdMapping[] = [];
  let next = 0;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    out.push({ containerID: next, hostID: r.start, size: r.length });
    next += r.length;
  }
  return out;
}

/** Host ID of a container ID; throws when the ID is outside every mapping (dockerd's wording). */
export function toHost(id: number, maps: IdMapping[]): number {
  for (const m of maps) {
    if (id >= m.containerID && id < m.containerID + m.size) return m.hostID + (id - m.containerID);
  }
  throw new Error(`Container ID ${id} cannot be mapped to a host ID`);
}

/** Container ID of a host ID, or undefined when unmapped (shows as the overflow ID inside). */
export function toContainer(id: number, maps: IdMapping[]): number | undefined {
  for (const m of maps) {
    if (id >= m.hostID && id < m.hostID + m.size) return m.containerID + (id - m.hostID);
  }
  return undefined;
}

export interface RemapSpec { user: string; group?: string }

/** `--userns-remap` value: `default`, `user`, `user:group`, `uid`, `uid:gid`. */
export function parseRemapFlag(v: string): RemapSpec {
  const parts = v.split(':');
  if (parts.length > 2 || !parts[0] || (parts.length === 2 && !parts[1])) throw new Error(`Invalid userns remap flag: ${v}`);
  return { user: parts[0], group: parts[1] };
}

/** /etc/passwd or /etc/group lines → name and numeric ID (and, for passwd, the primary group). */
export function parseIdFile(text: string): Array<{ name: string; id: number; gid?: number }> {
  const out: Array<{ name: string; id: number; gid?: number }> = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || !/^\d+$/.test(f[2]!)) continue;
    out.push({ name: f[0]!, id: Number(f[2]), gid: f[3] && /^\d+$/.test(f[3]) ? Number(f[3]) : undefined });
  }
  return out;
}
