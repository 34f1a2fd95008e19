// --userns-remap: resolves the flag to the remapped root and the OCI ID mappings at daemon start.
// `default` creates the `dockremap` user/group (useradd/groupadd --system) and gives it 65536 subordinate IDs
// in /etc/subuid and /etc/subgid when it has none, as dockerd does; any other user must already have ranges.
import { promises as fs } from 'node:fs';
import { join, dirname } from 'node:path';
import { run } from '../lib/exec-file.js';
import {
  type IdMapping, type SubIdRange, parseIdFile, parseRemapFlag, parseSubIds, pickFreeRangeBoth, rangesFor, subIdLine, toMappings,
} from '../lib/subid.js';
import type { Logger } from '../lib/logger.js';

export const DEFAULT_REMAP_USER = 'dockremap';

export interface UsernsRemap {
  /** The user and group named by the flag (resolved names). */
  user: string;
  group: string;
  uidMaps: IdMapping[];
  gidMaps: IdMapping[];
  /** Host IDs of root in the containers (first subordinate uid/gid). */
  rootUid: number;
  rootGid: number;
}

export interface UsernsFiles { passwd: string; group: string; subuid: string; subgid: string }
export const SYSTEM_FILES: UsernsFiles = { passwd: '/etc/passwd', group: '/etc/group', subuid: '/etc/subuid', subgid: '/etc/subgid' };

const readText = (p: string) => fs.readFile(p, 'utf8').catch((e: NodeJS.ErrnoException) => { if (e.code === 'ENOENT') return ''; throw e; });

/** getent (NSS) first, then the file: name or numeric ID → { name, id }. */
async function lookup(db: 'passwd' | 'group', file: string, key: string): Promise<{ name: string; id: number } | undefined> {
  const r = await run('getent', [db, key], { allowFail: true }).catch(() => undefined);
  if (r && r.code === 0) {
    const e = parseIdFile(r.stdout)[0];
    if (e) return e;
  }
  const all = parseIdFile(await readText(file));
  return all.find((e) => e.name === key) ?? (/^\d+$/.test(key) ? all.find((e) => e.id === Number(key)) : undefined);
}

async function appendLine(path: string, line: string): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const cur = await readText(path);
  await fs.appendFile(path, (cur && !cur.endsWith('\n') ? '\n' : '') + line, { mode: 0o644 });
}

/** dockerd's `default`: the dockremap user and group, created if missing, with ranges if it has none. */
async function ensureDefaultUser(files: UsernsFiles, logger: Logger): Promise<void> {
  const name = DEFAULT_REMAP_USER;
  if (!(await lookup('group', files.group, name))) {
    await run('groupadd', ['--system', name]);
    logger.info('created group for userns-remap', { group: name });
  }
  if (!(await lookup('passwd', files.passwd, name))) {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/bin/false', '--gid', name, name]);
    logger.info('created user for userns-remap', { user: name });
  }
  const uids = parseSubIds(await readText(files.subuid));
  const gids = parseSubIds(await readText(files.subgid));
  const user = await lookup('passwd', files.passwd, name);
  const hasU = rangesFor(uids, name, user?.id).length > 0;
  const hasG = rangesFor(gids, name, undefined).length > 0;
  if (hasU && hasG) return;
  const start = pickFreeRangeBoth(uids, gids);
  if (!hasU) await appendLine(files.subuid, subIdLine(name, start));
  if (!hasG) await appendLine(files.subgid, subIdLine(name, start));
  logger.info('added subordinate ID ranges for userns-remap', { user: name, start });
}

/** Resolves `--userns-remap` (throws a plain Error with dockerd-like wording, reported at daemon start). */
export async function resolveRemap(flag: string, logger: Logger, files: UsernsFiles = SYSTEM_FILES): Promise<UsernsRemap> {
  let spec = parseRemapFlag(flag);
  if (spec.user === 'default') {
    if (spec.group !== undefined) throw new Error(`Invalid userns remap flag: ${flag}`);
    await ensureDefaultUser(files, logger);
    spec = { user: DEFAULT_REMAP_USER, group: DEFAULT_REMAP_USER };
  }
  const user = await lookup('passwd', files.passwd, spec.user);
  if (!user) throw new Error(`Error during uid lookup for "${spec.user}": user not found`);
  let groupName = user.name;
  let groupId: number | undefined;
  if (spec.group !== undefined) {
    const g = await lookup('group', files.group, spec.group);
    if (!g) throw new Error(`Error during gid lookup for "${spec.group}": group not found`);
    groupName = g.name;
    groupId = g.id;
  }
  const uidRanges: SubIdRange[] = rangesFor(parseSubIds(await readText(files.subuid)), user.name, user.id);
  if (!uidRanges.length) throw new Error(`can't create ID mappings: no subuid ranges found for user "${user.name}" in ${files.subuid}`);
  const gidRanges: SubIdRange[] = rangesFor(parseSubIds(await readText(files.subgid)), groupName, groupId);
  if (!gidRanges.length) throw new Error(`can't create ID mappings: no subgid ranges found for group "${groupName}" in ${files.subgid}`);
  const uidMaps = toMappings(uidRanges);
  const gidMaps = toMappings(gidRanges);
  return { user: user.name, group: groupName, uidMaps, gidMaps, rootUid: uidMaps[0]!.hostID, rootGid: gidMaps[0]!.hostID };
}

/**
 * dockerd's remapped root: `<data-root>/<uid>.<gid>` owned root:<remapped gid> 0710, with `<data-root>` made 0711
 * so the remapped root can reach it; every existing parent must let it through (o+x), else a clear error.
 */
export async function setupRemappedRoot(dataRoot: string, remap: UsernsRemap): Promise<string> {
  await fs.mkdir(dataRoot, { recursive: true, mode: 0o711 });
  const st = await fs.stat(dataRoot);
  if ((st.mode & 0o011) !== 0o011) await fs.chmod(dataRoot, (st.mode & 0o7777) | 0o011);
  for (let p = dirname(dataRoot); ; p = dirname(p)) {
    const s = await fs.stat(p);
    if ((s.mode & 0o001) === 0 && !(s.uid === remap.rootUid && s.mode & 0o100) && !(s.gid === remap.rootGid && s.mode & 0o010)) {
      throw new Error(`a subdirectory in your graphroot path (${dataRoot}) restricts access to the remapped root uid/gid; please fix by allowing 'o+x' permissions on existing directories`);
    }
    if (p === dirname(p)) break;
  }
  const root = join(dataRoot, `${remap.rootUid}.${remap.rootGid}`);
  await fs.mkdir(root, { recursive: true, mode: 0o710 });
  await fs.chown(root, 0, remap.rootGid);
  await fs.chmod(root, 0o710);
  return root;
}
