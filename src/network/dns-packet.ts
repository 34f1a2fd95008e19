// The small part of the DNS wire format (RFC 1035) the embedded resolver needs: read one question, write an
// answer with A/AAAA/PTR records or an error code. Pure, unit-tested. Anything it does not answer itself is
// forwarded to the upstream resolvers as the raw packet.
import { isIP } from 'node:net';
import { parseIp6 } from './cidr6.js';

export const TYPE_A = 1;
export const TYPE_PTR = 12;
export const TYPE_AAAA = 28;
export const RCODE_OK = 0;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;

export interface Question { id: number; flags: number; name: string; type: number; class: number; end: number }

/** Reads the header and first question; undefined for anything that is not a well-formed standard query. */
export function parseQuery(buf: Buffer): Question | undefined {
  if (buf.length < 12) return undefined;
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  if (buf.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    if (off >= buf.length) return undefined;
    const len = buf[off]!;
    if (len === 0) { off++; break; }
    if (len & 0xc0) return undefined; // no compression in a question we accept
    if (off + 1 + len > buf.length) return undefined;
    labels.push(buf.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  if (off + 4 > buf.length) return undefined;
  return { id, flags, name: labels.join('.'), type: buf.readUInt16BE(off), class: buf.readUInt16BE(off + 2), end: off + 4 };
}

export interface Answer { type: number; ttl: number; data: string }

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((l) => {
    const b = Buffer.from(l, 'latin1');
    return Buffer.concat([Buffer.from([Math.min(b.length, 63)]), b.subarray(0, 63)]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function rdata(a: Answer): Buffer {
  if (a.type === TYPE_A) return Buffer.from(a.data.split('.').map(Number));
  if (a.type === TYPE_AAAA) {
    const n = parseIp6(a.data);
    const b = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) b[i] = Number((n >> BigInt((15 - i) * 8)) & 0xffn);
    return b;
  }
  return encodeName(a.data);
}

/** A response to `q` (copied from the query bytes) with the answers, recursion available, and `rcode`. */
export function buildResponse(query: Buffer, q: Question, answers: Answer[], rcode = RCODE_OK): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR=1, keep opcode and RD, RA=1, AA=1 for names we own.
  const flags = 0x8000 | (q.flags & 0x7900) | 0x0080 | (answers.length ? 0x0400 : 0) | (rcode & 0xf);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const parts = [header, query.subarray(12, q.end)];
  for (const a of answers) {
    const data = rdata(a);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(a.type, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(a.ttl, 6);
    rr.writeUInt16BE(data.length, 10);
    parts.push(rr, data);
  }
  return Buffer.concat(parts);
}

/** The address a reverse-lookup name stands for (1.0.17.172.in-addr.arpa → 172.17.0.1), or undefined. */
export function reverseName(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n.endsWith('.in-addr.arpa')) {
    const parts = n.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4) return undefined;
    const ip = parts.reverse().join('.');
    return isIP(ip) === 4 ? ip : undefined;
  }
  if (n.endsWith('.ip6.arpa')) {
    const nib = n.slice(0, -'.ip6.arpa'.length).split('.');
    if (nib.length !== 32 || !nib.every((x) => /^[0-9a-f]$/.test(x))) return undefined;
    const hex = nib.reverse().join('');
    return hex.match(/.{4}/g)!.join(':');
  }
  return undefined;
}
