// Errors raised by the API client. The CLI maps them to Docker's wording and exit codes; tests can branch on
// `status` (404 means not-found, which drives run's pull path, inspect's fallback chain and rm -f's exit 0).

/** The daemon answered with a status >= 400. `message` is the daemon's text, without any prefix. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
    this.name = 'ApiError';
  }
  get isNotFound(): boolean { return this.status === 404; }
  get isConflict(): boolean { return this.status === 409; }
}

/** The daemon could not be reached at all (no socket, refused, DNS). */
export class ConnectionError extends Error {
  readonly host: string;
  constructor(host: string, cause?: unknown) {
    super(`Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?`, { cause });
    this.host = host;
    this.name = 'ConnectionError';
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

/** Error codes that mean "nobody is listening there", as opposed to a broken exchange mid-way. */
const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ENOTSOCK']);

export function isUnreachable(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return typeof code === 'string' && UNREACHABLE.has(code);
}
