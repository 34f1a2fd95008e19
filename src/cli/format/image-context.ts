// docker's imageContext for `images --format`: one row per (repository, tag[, digest]).
import { goTimeString, ago } from './time.js';
import { humanSize, humanSizeWithPrecision } from './units.js';
import { truncateId } from './container-context.js';

export interface ImageSummary {
  Id: string; RepoTags?: string[] | null; RepoDigests?: string[] | null; Created?: number; Size?: number;
  SharedSize?: number; VirtualSize?: number; Containers?: number; Labels?: Record<string, string> | null; ParentId?: string;
}

export const IMAGES_DEFAULT_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
export const IMAGES_DIGESTS_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
export const IMAGES_HEADERS: Record<string, string> = {
  Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', Digest: 'DIGEST', CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE',
};

/** reference.FamiliarName: drop "docker.io/" and "library/" the way the CLI shows Hub names. */
export function familiarName(name: string): string {
  let n = name;
  if (n.startsWith('docker.io/')) n = n.slice('docker.io/'.length);
  if (n.startsWith('index.docker.io/')) n = n.slice('index.docker.io/'.length);
  if (n.startsWith('library/') && n.split('/').length === 2) n = n.slice('library/'.length);
  return n;
}

/** Split "repo:tag" (the tag is after the last ':' that follows the last '/'). */
export function splitRepoTag(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf('@');
  const r = at >= 0 ? ref.slice(0, at) : ref;
  const slash = r.lastIndexOf('/');
  const colon = r.lastIndexOf(':');
  if (colon > slash) return { repo: r.slice(0, colon), tag: r.slice(colon + 1) };
  return { repo: r, tag: '' };
}

interface Row { repo: string; tag: string; digest: string }

/** Expand one image into display rows as docker's imageFormat does. */
export function imageRows(img: ImageSummary, showDigests: boolean): Row[] {
  const repoTags = new Map<string, string[]>();
  const repoDigests = new Map<string, string[]>();
  for (const ref of img.RepoTags ?? []) {
    if (ref === '<none>:<none>') continue;
    const { repo, tag } = splitRepoTag(ref);
    if (!tag) continue;
    const f = familiarName(repo);
    repoTags.set(f, [...(repoTags.get(f) ?? []), tag]);
  }
  for (const ref of img.RepoDigests ?? []) {
    const at = ref.indexOf('@');
    if (at < 0 || ref === '<none>@<none>') continue;
    const f = familiarName(ref.slice(0, at));
    repoDigests.set(f, [...(repoDigests.get(f) ?? []), ref.slice(at + 1)]);
  }
  const rows: Row[] = [];
  for (const [repo, tags] of repoTags) {
    let digests = repoDigests.get(repo) ?? [];
    repoDigests.delete(repo);
    if (!showDigests) digests = [];
    for (const tag of tags) {
      if (digests.length === 0) rows.push({ repo, tag, digest: '<none>' });
      else for (const d of digests) rows.push({ repo, tag, digest: d });
    }
  }
  for (const [repo, digests] of repoDigests) {
    if (showDigests) for (const d of digests) rows.push({ repo, tag: '<none>', digest: d });
    else rows.push({ repo, tag: '<none>', digest: '<none>' });
  }
  if (rows.length === 0) rows.push({ repo: '<none>', tag: '<none>', digest: '<none>' });
  return rows;
}

export function imageContext(img: ImageSummary, row: Row, trunc: boolean, now: number = Date.now()) {
  const ctx = {
    ID: () => (trunc ? truncateId(img.Id) : img.Id),
    Repository: () => row.repo,
    Tag: () => row.tag,
    Digest: () => row.digest,
    CreatedSince: () => ago((img.Created ?? 0) * 1000, now),
    CreatedAt: () => goTimeString((img.Created ?? 0) * 1000),
    Size: () => humanSizeWithPrecision(img.Size ?? 0, 3),
    Containers: () => ((img.Containers ?? -1) === -1 ? 'N/A' : String(img.Containers)),
    VirtualSize: () => humanSize(img.VirtualSize ?? img.Size ?? 0),
    SharedSize: () => ((img.SharedSize ?? -1) === -1 ? 'N/A' : humanSize(img.SharedSize!)),
    UniqueSize: () => ((img.SharedSize ?? -1) === -1 ? 'N/A' : humanSize((img.Size ?? 0) - img.SharedSize!)),
    Labels: () => Object.keys(img.Labels ?? {}).sort().map((k) => `${k}=${img.Labels![k]}`).join(','),
    Label: (name: string) => (img.Labels ?? {})[name] ?? '',
    toJSON: () => {
      const o: Record<string, string> = {};
      for (const k of ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize'] as const) {
        o[k] = (ctx[k] as () => string)();
      }
      return o;
    },
  };
  return ctx;
}
