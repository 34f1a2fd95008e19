// A small route table: method + path regex → handler. Versions (/v1.xx) are stripped before matching.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: string[];
  query: URLSearchParams;
  apiVersion: string;
}

/** A hijacked connection: the handler owns the raw socket after validating and writing its own status line. */
export interface HijackContext {
  req: IncomingMessage;
  socket: Duplex;
  /** Bytes that arrived after the request head (the exec-start JSON body, then stdin). */
  head: Buffer;
  params: string[];
  query: URLSearchParams;
  apiVersion: string;
  /** true when the client asked for an upgrade (docker CLI); false for plain HTTP clients like curl. */
  upgrade: boolean;
}

export type Handler = (ctx: RequestContext) => Promise<void>;
export type HijackHandler = (ctx: HijackContext) => Promise<void>;

interface Route { method: string; re: RegExp; handler?: Handler; hijack?: HijackHandler }

export class Router {
  private routes: Route[] = [];

  /** `pattern` uses `{name}` for one path segment and `{name*}` for a greedy match (image references). */
  add(method: string, pattern: string, handler: Handler): void {
    this.routes.push({ method, re: compile(pattern), handler });
  }

  addHijack(method: string, pattern: string, hijack: HijackHandler): void {
    this.routes.push({ method, re: compile(pattern), hijack });
  }

  match(method: string, path: string): { route: Route; params: string[] } | undefined {
    // HEAD falls back to GET routes only when no explicit HEAD route exists.
    for (const m of method === 'HEAD' ? ['HEAD', 'GET'] : [method]) {
      for (const route of this.routes) {
        if (route.method !== m) continue;
        const hit = route.re.exec(path);
        if (hit) return { route, params: hit.slice(1).map((s) => decodeURIComponent(s)) };
      }
    }
    return undefined;
  }
}

function compile(pattern: string): RegExp {
  const src = pattern
    .split('/')
    .map((seg) => {
      if (/^\{\w+\*\}$/.test(seg)) return '(.+)';
      if (/^\{\w+\}$/.test(seg)) return '([^/]+)';
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${src}/?$`);
}
