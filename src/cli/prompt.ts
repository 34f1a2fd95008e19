// docker's command.PromptForConfirmation: print the question, read one line, "y"/"yes" (any case) confirms.
import type { Cli } from './cli.js';

export function confirm(cli: Cli, message: string): Promise<boolean> {
  cli.out(`${message}\nAre you sure you want to continue? [y/N] `);
  return new Promise((resolve) => {
    let buf = '';
    const stdin = cli.stdin;
    const done = (ans: string) => {
      stdin.removeListener('data', onData); stdin.removeListener('end', onEnd); stdin.pause();
      resolve(/^y(es)?$/i.test(ans.trim()));
    };
    const onData = (c: Buffer) => { buf += c.toString('utf8'); const i = buf.indexOf('\n'); if (i >= 0) done(buf.slice(0, i)); };
    const onEnd = () => done(buf);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}
