import { randomBytes, createHash } from 'node:crypto';

/** A 64-hex-digit identifier, as Docker uses for containers, exec sessions and networks. */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Digest(data: string | Uint8Array): string {
  return 'sha256:' + sha256Hex(data);
}

export const isFullId = (s: string) => /^[0-9a-f]{64}$/.test(s);
