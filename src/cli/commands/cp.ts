// `cp` both ways, following the docker CLI: container→host GETs the archive and extracts it (renaming the top
// entry when the destination does not exist); host→container HEAD-stats the destination, then PUTs a tar to the
// destination directory (or to its parent with the entry renamed). `-` means a tar on stdin/stdout.
import { createWriteStream, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, utimesSync, createReadStream } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable } from 'node:stream';
import { isNotFound } from '../../client/errors.js';
import { bool, StatusError, type Cli, type Command } from '../cli.js';
import { humanSize } from '../format/units.js';

/** CONTAINER:PATH → [container, path]; a leading '/' or './' means a local path even with a colon. */
export function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }
const DIR_BIT = 2 ** 31;

function decodeStat(h: string | string[] | undefined): PathStat | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return undefined;
  try { return JSON.parse(Buffer.from(v, 'base64').toString('utf8')) as PathStat; } catch { return undefined; }
}

class CountingStream extends PassThrough {
  bytes = 0;
  override _transform(chunk: Buffer, enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void { this.bytes += chunk.length; cb(null, chunk); }
}

async function fromContainer(cli: Cli, container: string, srcPath: string, dest: string, followLink: boolean, quiet: boolean): Promise<void> {
  let path = srcPath;
  if (followLink) {
    const head = await cli.client.request('HEAD', `/containers/${container}/archive`, { query: { path } });
    head.resume();
    const st = decodeStat(head.headers['x-docker-container-path-stat']);
    if (st?.linkTarget) path = st.linkTarget;
  }
  const res = await cli.client.request('GET', `/containers/${container}/archive`, { query: { path } });
  if (dest === '-') { await pipeline(res, cli.stdout, { end: false }); return; }
  const st = decodeStat(res.headers['x-docker-container-path-stat']);
  const srcIsDir = st ? (st.mode & DIR_BIT) !== 0 || st.mode >= DIR_BIT : false;
  const destAbs = resolvePath(dest);
  let destExists = false, destIsDir = false;
  try { const s = statSync(destAbs); destExists = true; destIsDir = s.isDirectory(); } catch { /* absent */ }
  if (!destExists && dest.endsWith('/')) { res.destroy(); throw new StatusError(1, `destination directory "${dest}" must exist`); }
  if (srcIsDir && destExists && !destIsDir) { res.destroy(); throw new StatusError(1, 'cannot copy a directory to a file'); }
  if (srcPath.endsWith('/.') && !srcIsDir) { res.destroy(); throw new StatusError(1, 'source is not a directory'); }
  // Into an existing directory: keep the entry's own name; otherwise the top entry becomes basename(dest).
  let targetDir = destAbs;
  let rename: [string, string] | undefined;
  const srcBase = st?.name ?? posix.basename(path);
  if (srcPath.endsWith('/.')) {
    rename = [srcBase, destExists ? '' : ''];
    targetDir = destAbs;
    if (!destExists) mkdirSync(destAbs, { recursive: true });
  } else if (!destExists) {
    targetDir = dirname(destAbs);
    rename = [srcBase, basename(destAbs)];
  } else if (!destIsDir) {
    targetDir = dirname(destAbs);
    rename = [srcBase, basename(destAbs)];
  }
  const counter = new CountingStream();
  await extractTar(res.pipe(counter), targetDir, rename);
  if (!quiet) cli.errLine(`Successfully copied ${humanSize(counter.bytes)} to ${dest}`);
}

/** Extract a tar into dir; `rename` maps the top-level entry name ('' drops it, copying contents). */
async function extractTar(src: Readable, dir: string, rename?: [string, string]): Promise<void> {
  const tar = (await import('tar-stream')).default;
  const ex = tar.extract();
  const mtimes: [string, Date][] = [];
  ex.on('entry', (header, stream, next) => {
    let name = header.name.replace(/^\.\//, '').replace(/\/$/, '');
    if (rename) {
      const [from, to] = rename;
      if (name === from) name = to;
      else if (name.startsWith(from + '/')) name = (to ? to + '/' : '') + name.slice(from.length + 1);
    }
    const out = join(dir, name);
    const done = (e?: unknown) => { if (e) ex.destroy(e as Error); else next(); };
    try {
      if (header.type === 'directory') {
        mkdirSync(out, { recursive: true, mode: header.mode });
        if (header.mtime) mtimes.push([out, header.mtime]);
        stream.resume(); stream.on('end', () => done());
      } else if (header.type === 'symlink') {
        mkdirSync(dirname(out), { recursive: true });
        try { symlinkSync(header.linkname ?? '', out); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
        stream.resume(); stream.on('end', () => done());
      } else if (header.type === 'file' || header.type === 'contiguous-file') {
        mkdirSync(dirname(out), { recursive: true });
        pipeline(stream, createWriteStream(out, { mode: header.mode })).then(() => {
          if (header.mtime) try { utimesSync(out, header.mtime, header.mtime); } catch { /* best effort */ }
          done();
        }, done);
      } else { stream.resume(); stream.on('end', () => done()); }
    } catch (e) { stream.resume(); done(e); }
  });
  await pipeline(src, ex);
  for (const [p, t] of mtimes.reverse()) try { utimesSync(p, t, t); } catch { /* best effort */ }
}

/** Pack a local path as a tar whose top entry is `entryName`. */
async function packPath(localPath: string, entryName: string, followLink: boolean): Promise<Readable> {
  const tar = (await import('tar-stream')).default;
  const pack = tar.pack();
  const walk = async (abs: string, name: string, top: boolean) => {
    const st = top && followLink ? statSync(abs) : lstatSync(abs);
    const base = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
    if (st.isDirectory()) {
      pack.entry({ ...base, type: 'directory' });
      for (const child of readdirSync(abs).sort()) await walk(join(abs, child), `${name}/${child}`, false);
    } else if (st.isSymbolicLink()) {
      pack.entry({ ...base, type: 'symlink', linkname: readlinkSync(abs) });
    } else if (st.isFile()) {
      await new Promise<void>((ok, fail) => {
        const entry = pack.entry({ ...base, type: 'file', size: st.size }, (e) => (e ? fail(e) : ok()));
        pipeline(createReadStream(abs), entry).catch(fail);
      });
    }
  };
  walk(localPath, entryName, true).then(() => pack.finalize(), (e) => pack.destroy(e));
  return pack as unknown as Readable;
}

async function toContainer(cli: Cli, src: string, container: string, destPath: string, opts: { followLink: boolean; copyUIDGID: boolean; quiet: boolean }): Promise<void> {
  const client = cli.client;
  let st: PathStat | undefined;
  try {
    const head = await client.request('HEAD', `/containers/${container}/archive`, { query: { path: destPath } });
    head.resume();
    st = decodeStat(head.headers['x-docker-container-path-stat']);
  } catch (e) { if (!isNotFound(e)) throw e; }
  const destIsDir = st ? st.mode >= DIR_BIT : false;
  if (!st && (destPath.endsWith('/') || destPath.endsWith('/.'))) throw new StatusError(1, 'no such directory');
  const query = { copyUIDGID: opts.copyUIDGID || undefined, noOverwriteDirNonDir: 'true' } as Record<string, string | boolean | undefined>;
  if (src === '-') {
    if (st && !destIsDir) throw new StatusError(1, `destination "${container}:${destPath}" must be a directory`);
    await client.call('PUT', `/containers/${container}/archive`, { query: { ...query, path: destPath }, body: cli.stdin, contentType: 'text/plain' });
    return;
  }
  const localAbs = resolvePath(src);
  if (!existsSync(localAbs)) throw new StatusError(1, `lstat ${localAbs}: no such file or directory`);
  const srcIsDir = statSync(localAbs).isDirectory();
  if (srcIsDir && st && !destIsDir) throw new StatusError(1, 'cannot copy a directory to a file');
  let putPath = destPath;
  let entry = basename(localAbs);
  if (!st || !destIsDir) {
    // Destination missing (or a file): extract into its parent with the entry renamed to its basename.
    putPath = posix.dirname(destPath) || '/';
    entry = posix.basename(destPath);
  }
  const counter = new CountingStream();
  const tarStream = (await packPath(localAbs, entry, opts.followLink)).pipe(counter);
  await client.call('PUT', `/containers/${container}/archive`, { query: { ...query, path: putPath }, body: tarStream, contentType: 'text/plain' });
  if (!opts.quiet) cli.errLine(`Successfully copied ${humanSize(counter.bytes)} to ${container}:${destPath}`);
}

export const cp: Command = {
  spec: {
    name: 'cp', usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
    desc: 'Copy files/folders between a container and the local filesystem', minArgs: 2, maxArgs: 2,
    flags: [
      { name: 'archive', short: 'a', type: 'bool', desc: 'Archive mode (copy all uid/gid information)' },
      { name: 'follow-link', short: 'L', type: 'bool', desc: 'Always follow symbol link in SRC_PATH' },
      { name: 'help', type: 'bool', desc: 'Print usage' },
      { name: 'quiet', short: 'q', type: 'bool', desc: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached' },
    ],
  },
  async run(cli, p) {
    const [a, b] = p.args as [string, string];
    const src = splitCpArg(a);
    const dst = splitCpArg(b);
    if (src.container && dst.container) throw new StatusError(1, 'copying between containers is not supported');
    if (!src.container && !dst.container) throw new StatusError(1, 'must specify at least one container source');
    const quiet = bool(p, 'quiet') || !cli.stderr.isTTY;
    if (src.container) {
      if (src.path === '') throw new StatusError(1, 'filepath can not be empty');
      await fromContainer(cli, src.container, src.path, dst.path, bool(p, 'follow-link'), quiet);
    } else {
      if (dst.path === '') throw new StatusError(1, 'filepath can not be empty');
      await toContainer(cli, src.path, dst.container!, dst.path, { followLink: bool(p, 'follow-link'), copyUIDGID: bool(p, 'archive'), quiet });
    }
    return 0;
  },
};
