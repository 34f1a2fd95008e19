// Go's text/tabwriter as docker's formatter configures it (minwidth 10, tabwidth 1, padding 3, pad ' ').
// Cells end at '\t'; the text after a line's last tab is not aligned. Columns are aligned per block of
// consecutive lines that have a cell in that column, exactly like Go's recursive format().

export interface TabwriterOptions { minWidth: number; padding: number }
export const DOCKER_TABWRITER: TabwriterOptions = { minWidth: 10, padding: 3 };

const runeLen = (s: string) => { let n = 0; for (const _ of s) n++; return n; };

export function tabwrite(text: string, opts: TabwriterOptions = DOCKER_TABWRITER): string {
  const endsWithNl = text.endsWith('\n');
  const rawLines = (endsWithNl ? text.slice(0, -1) : text).split('\n');
  const lines = rawLines.map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let s = '';
      for (let j = 0; j < cells.length; j++) {
        const c = cells[j]!;
        s += c;
        if (j < widths.length) s += ' '.repeat(Math.max(0, widths[j]! - runeLen(c)));
      }
      out.push(s);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= lines[cur]!.length - 1) continue;
      writeLines(line0, cur);
      line0 = cur;
      let width = opts.minWidth;
      for (; cur < line1; cur++) {
        const cells = lines[cur]!;
        if (column >= cells.length - 1) break;
        const w = runeLen(cells[column]!) + opts.padding;
        if (w > width) width = w;
      }
      widths.push(width);
      format(line0, cur);
      widths.pop();
      line0 = cur;
      cur--; // the for-loop's increment re-examines `cur` as Go's loop does after the inner block
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNl ? '\n' : '');
}
