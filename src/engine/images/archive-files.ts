// Reading files out of a spooled (already safely extracted) image archive.
import { promises as fs } from 'node:fs';
import { errorMessage, invalid } from '../../lib/errors.js';
import { resolveInRoot } from '../../store/root-paths.js';

/** One image found in an archive, before anything is registered. */
export interface ArchiveImage { configPath: string; configDigest?: string; layers: Array<{ path: string; digest?: string }>; tags: string[] }

export async function readArchiveFile(spool: string, rel: string): Promise<Buffer> {
  const p = await resolveInRoot(spool, rel, true);
  try {
    return await fs.readFile(p);
  } catch (e) {
    throw invalid(`invalid archive: cannot read ${rel}: ${errorMessage(e)}`);
  }
}

