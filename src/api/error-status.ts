// The one place where engine error kinds become HTTP status codes.
import type { ServerResponse } from 'node:http';
import { EngineError, type ErrorKind, errorMessage } from '../lib/errors.js';

const statusOf: Record<ErrorKind, number> = {
  'invalid': 400,
  'unauthorized': 401,
  'forbidden': 403,
  'not-found': 404,
  'conflict': 409,
  'not-modified': 304,
  'not-implemented': 501,
  'unavailable': 503,
  'internal': 500,
};

export function httpStatus(e: unknown): number {
  return e instanceof EngineError ? statusOf[e.kind] : 500;
}

/** Writes Docker's error body. The CLI insists on exactly `application/json` (no charset) to parse it. */
export function sendError(res: ServerResponse, e: unknown): void {
  const status = httpStatus(e);
  if (res.headersSent) { res.destroy(); return; }
  if (status === 304) { res.writeHead(304); res.end(); return; }
  const body = JSON.stringify({ message: errorMessage(e) }) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Status line text for raw responses written on hijacked sockets. */
export function statusText(status: number): string {
  return ({ 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error', 304: 'Not Modified' } as Record<number, string>)[status] ?? 'Error';
}
