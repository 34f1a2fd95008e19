// One error type for the whole engine. The API layer maps `kind` to an HTTP status in one place
// (src/api/error-status.ts); everything below the API only picks a kind and Docker's wording.

export type ErrorKind =
  | 'invalid'          // 400
  | 'unauthorized'     // 401
  | 'forbidden'        // 403
  | 'not-found'        // 404
  | 'conflict'         // 409
  | 'not-modified'     // 304
  | 'not-implemented'  // 501
  | 'unavailable'      // 503
  | 'internal';        // 500

export class EngineError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'EngineError';
  }
}

export const invalid = (msg: string) => new EngineError('invalid', msg);
export const notFound = (msg: string) => new EngineError('not-found', msg);
export const conflict = (msg: string) => new EngineError('conflict', msg);
export const forbidden = (msg: string) => new EngineError('forbidden', msg);
export const notModified = () => new EngineError('not-modified', '');
export const notImplemented = (msg: string) => new EngineError('not-implemented', msg);
export const unavailable = (msg: string) => new EngineError('unavailable', msg);
export const internal = (msg: string, cause?: unknown) => new EngineError('internal', msg, { cause });

export function isEngineError(e: unknown, kind?: ErrorKind): e is EngineError {
  return e instanceof EngineError && (kind === undefined || e.kind === kind);
}

/** Message of any thrown value, for logs and wrapped errors. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
