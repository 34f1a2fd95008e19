// Image reference parsing and normalization, following Docker's distribution/reference grammar.
// Pure functions: no I/O. Errors carry Docker's wording so the API can return them as-is.
import { invalid } from '../../lib/errors.js';

export const defaultDomain = 'docker.io';
export const officialRepoPrefix = 'library/';
export const defaultTag = 'latest';

/** A parsed, fully qualified reference (`docker.io/library/busybox:latest`). */
export interface Reference {
  domain: string;
  /** Repository path without the domain, e.g. `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
}

const component = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const pathRe = new RegExp(`^${component}(?:/${component})*$`);
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainRe = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const sha256DigestRe = /^sha256:[a-f0-9]{64}$/;
const hex64Re = /^[a-f0-9]{64}$/;
const maxNameLength = 255;

const formatError = () => invalid('invalid reference format');

/** Splits `name[:tag][@digest]` without validating the parts. */
function splitRef(s: string): { name: string; tag?: string; digest?: string } {
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

/** Docker's splitDockerDomain: the first component is a domain when it has `.` or `:` or is `localhost`,
 *  or has upper case letters (which then fails validation as a domain-less path would). */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    const path = name;
    return { domain: defaultDomain, path: path.includes('/') ? path : officialRepoPrefix + path };
  }
  const domain = first === 'index.docker.io' ? defaultDomain : first;
  let path = name.slice(slash + 1);
  if (domain === defaultDomain && !path.includes('/')) path = officialRepoPrefix + path;
  return { domain, path };
}

/** Parses a user-supplied reference as Docker's ParseNormalizedNamed does (no tag defaulting). */
export function parseReference(s: string): Reference {
  if (s === '' ) throw formatError();
  if (hex64Re.test(s)) throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const { name, tag, digest } = splitRef(s);
  if (name === '') throw formatError();
  const { domain, path } = splitDomain(name);
  if (!domainRe.test(domain)) throw formatError();
  if (!pathRe.test(path)) {
    if (pathRe.test(path.toLowerCase())) {
      throw invalid(`invalid reference format: repository name (${path}) must be lowercase`);
    }
    throw formatError();
  }
  if (name.length > maxNameLength || domain.length + 1 + path.length > maxNameLength) {
    throw invalid('invalid reference format: repository name must not be more than 255 characters');
  }
  if (tag !== undefined && !tagRe.test(tag)) throw formatError();
  if (digest !== undefined && !digestRe.test(digest)) throw formatError();
  if (digest !== undefined && digest.startsWith('sha256:') && !sha256DigestRe.test(digest)) {
    throw invalid('invalid reference format: invalid checksum digest format');
  }
  return { domain, path, tag, digest };
}

/** Adds `:latest` when the reference has neither a tag nor a digest. */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: defaultTag } : ref;
}

/** The familiar repository name: `busybox`, `user/app`, `localhost:5000/a/b`. */
export function familiarName(ref: Pick<Reference, 'domain' | 'path'>): string {
  if (ref.domain !== defaultDomain) return `${ref.domain}/${ref.path}`;
  return ref.path.startsWith(officialRepoPrefix) && !ref.path.slice(officialRepoPrefix.length).includes('/')
    ? ref.path.slice(officialRepoPrefix.length)
    : ref.path;
}

/** The fully qualified repository name: `docker.io/library/busybox`. */
export function fullName(ref: Pick<Reference, 'domain' | 'path'>): string {
  return `${ref.domain}/${ref.path}`;
}

/** Familiar string form: `busybox:latest`, `busybox@sha256:...`, `a/b:v1@sha256:...`. */
export function familiarString(ref: Reference): string {
  let s = familiarName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** `busybox` → `busybox:latest`; `docker.io/library/busybox:latest` → `busybox:latest`. Throws invalid. */
export function normalizeTagged(s: string): string {
  return familiarString(withDefaultTag(parseReference(s)));
}

/** Validates a tag on its own (for `docker tag src repo --tag x`). */
export function validateTag(tag: string): void {
  if (!tagRe.test(tag)) throw formatError();
}

/** True for `sha256:<64 hex>`. */
export const isSha256Digest = (s: string) => sha256DigestRe.test(s);

/** A possibly-abbreviated image ID: hex, optionally prefixed with `sha256:`; returns the hex part. */
export function idPrefix(s: string): string | undefined {
  const hex = s.startsWith('sha256:') ? s.slice(7) : s;
  return /^[a-f0-9]{1,64}$/.test(hex) ? hex : undefined;
}
