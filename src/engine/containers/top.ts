// `docker top`: runs the host's ps with the caller's arguments and keeps the rows of the container's processes.
import { run } from '../../lib/exec-file.js';
import { invalid } from '../../lib/errors.js';

export async function containerTop(pids: number[], psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }> {
  const args = psArgs.split(/\s+/).filter(Boolean);
  const r = await run('ps', args, { allowFail: true });
  if (r.code !== 0) throw invalid(`Error running ps: ${r.stderr.trim() || 'exit ' + r.code}`);
  return parsePs(r.stdout, new Set(pids));
}

export function parsePs(output: string, pids: Set<number>): { Titles: string[]; Processes: string[][] } {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return { Titles: [], Processes: [] };
  const titles = lines[0].trim().split(/\s+/);
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw invalid('Couldn\'t find PID field in ps output');
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (!pids.has(Number(fields[pidIndex]))) continue;
    // The last column (the command) may contain spaces: keep it whole.
    const head = fields.slice(0, titles.length - 1);
    head.push(fields.slice(titles.length - 1).join(' '));
    processes.push(head);
  }
  return { Titles: titles, Processes: processes };
}
