// Public surface of the API client, for the CLI and for integration tests.
export { ApiClient, CLIENT_MAX_API_VERSION, compareVersions, encodeQuery, loadTls, readAll } from './api-client.js';
export type { ClientOptions, Hijacked, PingInfo, Query, RequestOptions } from './api-client.js';
export { ApiError, ConnectionError, isNotFound } from './errors.js';
export { DEFAULT_HOST, parseHost, tlsFromFlags } from './endpoint.js';
export type { Endpoint, TlsOptions } from './endpoint.js';
export { FrameParser, demuxStream, copyRaw, encodeFrame, STDIN, STDOUT, STDERR, SYSTEMERR } from './stdcopy.js';
export { jsonLines, rawLines } from './json-lines.js';
