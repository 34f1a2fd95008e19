// Docker's Entrypoint + Cmd rules (moby daemon mergeAndVerifyConfig and getEntrypointAndArgs).
import { invalid } from '../lib/errors.js';

export interface ContainerArgs {
  /** Config.Entrypoint after merging with the image (null when none). */
  entrypoint: string[] | null;
  /** Config.Cmd after merging with the image (null when none). */
  cmd: string[] | null;
  /** Container Path and Args as Docker reports them in inspect. */
  path: string;
  args: string[];
  /** The process argv: [path, ...args]. */
  argv: string[];
}

type List = string[] | null | undefined;

/**
 * - an Entrypoint given at create replaces the image's and drops the image's Cmd;
 * - an explicitly empty Entrypoint (`--entrypoint ""`, i.e. []) clears the image's but keeps its Cmd;
 * - no Entrypoint at create (null/undefined) keeps the image's; an empty create Cmd takes the image's.
 */
export function containerArgs(imageEntrypoint: List, imageCmd: List, createEntrypoint: List, createCmd: List): ContainerArgs {
  let entrypoint: List = createEntrypoint;
  let cmd: List = createCmd;
  if (!entrypoint || entrypoint.length === 0) {
    if (!cmd || cmd.length === 0) cmd = imageCmd;
    if (entrypoint === null || entrypoint === undefined) entrypoint = imageEntrypoint;
  }
  const ep = entrypoint && entrypoint.length ? [...entrypoint] : null;
  const c = cmd && cmd.length ? [...cmd] : null;
  if (!ep && !c) throw invalid('No command specified');
  const argv = ep ? [...ep, ...(c ?? [])] : [...c!];
  return { entrypoint: ep ?? (entrypoint ? [] : null), cmd: c, path: argv[0]!, args: argv.slice(1), argv };
}
