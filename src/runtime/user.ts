// Resolves a Docker user spec (name | uid | name:group | uid:gid) against the image's /etc/passwd and
// /etc/group, with the rules and error wording of runc's libcontainer/user (which Docker uses).
import { readFileSync, lstatSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { invalid } from '../lib/errors.js';

export interface PasswdEntry { name: string; uid: number; gid: number; home: string }
export interface GroupEntry { name: string; gid: number; members: string[] }
export interface ResolvedUser { uid: number; gid: number; additionalGids: number[]; home: string }

const MAX_ID = 2 ** 31 - 1;

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const f = t.split(':');
    out.push({ name: f[0] ?? '', uid: toInt(f[2]), gid: toInt(f[3]), home: f[5] ?? '' });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const f = t.split(':');
    out.push({ name: f[0] ?? '', gid: toInt(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}

function toInt(s: string | undefined): number {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
}

/** A decimal id, as Go's strconv.Atoi would accept it; undefined when the text is a name. */
function numericId(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  return Number.parseInt(s, 10);
}

function checkRange(n: number): number {
  if (n < 0 || n > MAX_ID) throw invalid('uids and gids must be in range 0-2147483647');
  return n;
}

/**
 * runc's GetExecUser. `passwd`/`group` undefined means the file does not exist in the image.
 * Supplementary groups are only looked up when the spec names no group (implicit form).
 */
export function resolveUser(spec: string, passwd: PasswdEntry[] | undefined, group: GroupEntry[] | undefined): ResolvedUser {
  const user: ResolvedUser = { uid: 0, gid: 0, additionalGids: [], home: '/' };
  const colon = spec.indexOf(':');
  const userArg = colon < 0 ? spec : spec.slice(0, colon);
  const groupArg = colon < 0 ? '' : spec.slice(colon + 1);
  const uidArg = numericId(userArg);

  const users = (passwd ?? []).filter((u) => {
    if (userArg === '') return u.uid === user.uid;
    if (uidArg !== undefined) return u.uid === uidArg;
    return u.name === userArg;
  });
  let matchedName = '';
  if (users.length > 0) {
    const u = users[0]!;
    matchedName = u.name;
    user.uid = u.uid;
    user.gid = u.gid;
    user.home = u.home;
  } else if (userArg !== '') {
    if (uidArg === undefined) throw invalid(`unable to find user ${userArg}: no matching entries in passwd file`);
    user.uid = checkRange(uidArg);
  }

  if (groupArg !== '' || matchedName !== '') {
    const gidArg = numericId(groupArg);
    const groups = (group ?? []).filter((g) => {
      if (groupArg === '') return g.members.includes(matchedName);
      if (gidArg !== undefined) return g.gid === gidArg;
      return g.name === groupArg;
    });
    if (groupArg !== '') {
      if (groups.length > 0) user.gid = groups[0]!.gid;
      else if (gidArg === undefined) throw invalid(`unable to find group ${groupArg}: no matching entries in group file`);
      else user.gid = checkRange(gidArg);
    } else {
      user.additionalGids = groups.map((g) => g.gid);
    }
  }
  return user;
}

/** runc's GetAdditionalGroups for --group-add: names or numbers; numbers need not exist in /etc/group. */
export function resolveGroupAdd(names: string[], group: GroupEntry[] | undefined): number[] {
  const out: number[] = [];
  for (const name of names) {
    const byName = (group ?? []).find((g) => g.name === name || String(g.gid) === name);
    let gid: number;
    if (byName) gid = byName.gid;
    else {
      const n = numericId(name);
      if (n === undefined) throw invalid(`Unable to find group ${name}: no matching entries in group file`);
      gid = checkRange(n);
    }
    if (!out.includes(gid)) out.push(gid);
  }
  return out;
}

/**
 * Joins `p` under `root` following symlinks as if `root` were `/`, so an image's absolute symlink
 * (etc/passwd -> /usr/lib/passwd) resolves inside the image and never on the host.
 */
export function scopedPath(root: string, p: string): string {
  const parts = posix.normalize('/' + p).split('/').filter(Boolean);
  let resolved: string[] = [];
  for (let hops = 0; parts.length > 0;) {
    const part = parts.shift()!;
    if (part === '..') { resolved.pop(); continue; }
    if (part === '.') continue;
    const candidate = join(root, ...resolved, part);
    let link: string | undefined;
    try {
      if (lstatSync(candidate).isSymbolicLink()) link = readlinkSync(candidate);
    } catch { /* missing: keep the name as is */ }
    if (link === undefined) { resolved.push(part); continue; }
    if (++hops > 255) throw invalid(`too many symlinks resolving ${p}`);
    if (link.startsWith('/')) resolved = [];
    parts.unshift(...link.split('/').filter(Boolean));
  }
  return join(root, ...resolved);
}

function readImageFile(rootfs: string, p: string): string | undefined {
  try {
    return readFileSync(scopedPath(rootfs, p), 'utf8');
  } catch {
    return undefined;
  }
}

export function readImageUsers(rootfs: string): { passwd?: PasswdEntry[]; group?: GroupEntry[] } {
  const p = readImageFile(rootfs, '/etc/passwd');
  const g = readImageFile(rootfs, '/etc/group');
  return { passwd: p === undefined ? undefined : parsePasswd(p), group: g === undefined ? undefined : parseGroup(g) };
}
