// conmon's control fifo (<bundle>/ctl, conmon src/ctrl.c): lines "<type> <height> <width>\n";
// type 1 resizes the terminal, type 2 reopens the log file. conmon holds a reader open while it runs.
import { promises as fs, constants as fsc } from 'node:fs';
import { join } from 'node:path';

const WIN_RESIZE_EVENT = 1;
const REOPEN_LOGS_EVENT = 2;

async function writeLine(dir: string, line: string): Promise<void> {
  let fh;
  try {
    // Non-blocking: with conmon gone there is no reader and open fails (ENXIO) instead of hanging.
    fh = await fs.open(join(dir, 'ctl'), fsc.O_WRONLY | fsc.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENXIO' || code === 'ENOENT') throw new Error('container is not running');
    throw e;
  }
  try {
    await fh.write(line);
  } finally {
    await fh.close();
  }
}

export function writeCtl(dir: string, height: number, width: number): Promise<void> {
  return writeLine(dir, `${WIN_RESIZE_EVENT} ${Math.trunc(height)} ${Math.trunc(width)}\n`);
}

export function reopenLogs(dir: string): Promise<void> {
  return writeLine(dir, `${REOPEN_LOGS_EVENT} 0 0\n`);
}
