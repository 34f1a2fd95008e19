import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** First executable named `name` on PATH (plus the sbin dirs root usually has), or undefined. */
export function which(name: string): string | undefined {
  if (name.includes('/')) return canExec(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/libexec/podman', '/usr/lib/podman'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    if (canExec(p)) return p;
  }
  return undefined;
}

function canExec(p: string): boolean {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}
