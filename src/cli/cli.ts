// The state one berth invocation carries: global options, the lazily created API client, and the only sanctioned
// console writers. Commands receive a Cli and return an exit code (or throw; main maps errors to docker's text).
import type { ApiClient } from '../client/api-client.js';
import type { Endpoint } from '../client/endpoint.js';
import type { CommandSpec, Parsed } from './args.js';

export const PROG = 'berth';
export const CLI_VERSION = '28.2.2';

export interface Globals {
  endpoint: Endpoint;
  apiVersion?: string;
  configDir: string;
  debug: boolean;
  logLevel: string;
}

/** Exit with `status`, printing `message` (if any) to stderr. */
export class StatusError extends Error {
  constructor(readonly status: number, message = '') { super(message); }
}

export class Cli {
  private api: ApiClient | undefined;
  private readonly makeClient: () => ApiClient;
  readonly stdout: NodeJS.WriteStream = process.stdout;
  readonly stderr: NodeJS.WriteStream = process.stderr;
  readonly stdin: NodeJS.ReadStream = process.stdin;

  constructor(readonly globals: Globals, makeClient: () => ApiClient) {
    this.makeClient = makeClient;
  }

  get client(): ApiClient {
    this.api ??= this.makeClient();
    return this.api;
  }

  /** Was a client ever created (so there is something to close)? */
  get hasClient(): boolean { return this.api !== undefined; }

  out(s: string): void { if (s) this.stdout.write(s); }
  err(s: string): void { if (s) this.stderr.write(s); }
  outLine(s: string): void { this.stdout.write(s + '\n'); }
  errLine(s: string): void { this.stderr.write(s + '\n'); }
}

export interface Command {
  spec: CommandSpec;
  run(cli: Cli, p: Parsed): Promise<number>;
}

/** Common flag shapes, shared by many commands. */
export const formatFlag = (desc = 'Format output using a custom template') =>
  ({ name: 'format', type: 'string' as const, desc });
export const str = (p: Parsed, name: string): string => String(p.flags[name] ?? '');
export const bool = (p: Parsed, name: string): boolean => p.flags[name] === true;
export const num = (p: Parsed, name: string): number => Number(p.flags[name] ?? 0);
export const list = (p: Parsed, name: string): string[] => (p.flags[name] as string[] | undefined) ?? [];
