// Watches conmon's --exit-dir: conmon writes <dir>/<id> (the exit status, 128+signal for a signal) with
// g_file_set_contents, i.e. a temp file "<id>.XXXXXX" renamed into place, so a complete file appears at once.
// inotify (fs.watch) gives the low latency; a periodic rescan of the containers we expect to exit covers a
// lost event or a watcher error. Each exit is reported once: `arm(id)` (at create) allows one report.
import { watch, promises as fs, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../lib/logger.js';

export interface ExitWatcher {
  /** Expect an exit of `id` (called when its conmon starts). */
  arm(id: string): void;
  /** Forget `id` (deleted). */
  disarm(id: string): void;
  /** Check `id` now, e.g. after reconciliation at startup. */
  check(id: string): void;
  close(): void;
}

export function watchExits(dir: string, onFile: (id: string) => Promise<boolean>, logger: Logger, rescanMs = 2000): ExitWatcher {
  const armed = new Set<string>();
  const inFlight = new Set<string>();
  let watcher: FSWatcher | undefined;

  // While an exit is expected the watcher keeps the event loop alive, so an awaited exit always arrives.
  const updateRef = () => { if (armed.size > 0) watcher?.ref(); else watcher?.unref(); };

  const check = (id: string) => {
    if (!armed.has(id) || inFlight.has(id)) return;
    inFlight.add(id);
    onFile(id).then(
      (reported) => { inFlight.delete(id); if (reported) { armed.delete(id); updateRef(); } },
      (e) => { inFlight.delete(id); logger.warn('exit file handling failed', { id, error: String(e) }); },
    );
  };

  const startWatch = () => {
    try {
      watcher = watch(dir, { persistent: true }, (_event, name) => {
        if (typeof name === 'string' && !name.includes('.')) check(name);
      });
      updateRef();
      watcher.on('error', (e) => {
        logger.warn('exit dir watcher failed; restarting', { error: String(e) });
        watcher?.close();
        setTimeout(startWatch, 100).unref();
      });
    } catch (e) {
      logger.warn('cannot watch exit dir', { dir, error: String(e) });
    }
  };
  startWatch();
  const timer = setInterval(() => { for (const id of armed) check(id); }, rescanMs);
  timer.unref();

  return {
    arm: (id) => { armed.add(id); updateRef(); },
    disarm: (id) => { armed.delete(id); updateRef(); },
    check,
    close: () => { clearInterval(timer); watcher?.close(); },
  };
}

/** Reads an exit file; undefined while it does not exist. */
export async function readExitFile(dir: string, id: string): Promise<{ code: number; mtime: Date } | undefined> {
  const p = join(dir, id);
  try {
    const [text, st] = await Promise.all([fs.readFile(p, 'utf8'), fs.stat(p)]);
    const code = Number.parseInt(text.trim(), 10);
    if (Number.isNaN(code)) return undefined;
    return { code, mtime: st.mtime };
  } catch {
    return undefined;
  }
}
