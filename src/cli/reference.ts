// Just enough of distribution/reference for the CLI: normalise "busybox" to docker.io/library/busybox:latest.

export interface ParsedRef { name: string; tag?: string; digest?: string }

export function parseRef(ref: string): ParsedRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
  const out: ParsedRef = { name: rest };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** ParseNormalizedNamed's domain rule: the first component is a registry if it has '.' or ':' or is localhost. */
export function normalizeName(name: string): string {
  const i = name.indexOf('/');
  const first = i >= 0 ? name.slice(0, i) : '';
  if (i >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) return name;
  if (i < 0) return `docker.io/library/${name}`;
  return `docker.io/${name}`;
}

/** "busybox" → "busybox:latest" (docker's TagNameOnly on the familiar form). */
export function withDefaultTag(ref: string): string {
  const p = parseRef(ref);
  if (p.digest || p.tag) return ref;
  return `${ref}:latest`;
}

export function isValidRepoName(ref: string): boolean {
  const p = parseRef(ref);
  return /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(p.name.replace(/^[^/]*[.:][^/]*\//, ''));
}
