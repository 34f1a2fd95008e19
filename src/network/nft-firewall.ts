// Firewall backed by one nftables table, written whole with `nft -f -` so each change is one transaction.
import { run } from '../lib/exec-file.js';
import { internal } from '../lib/errors.js';
import type { Firewall, FirewallState } from './firewall.js';
import { renderDelete, renderPortsUpdate, renderTable, renderUserChain } from './nft-rules.js';

export function createNftFirewall(table: string, nft = 'nft'): Firewall {
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(table)) throw internal(`invalid firewall table name: ${table}`);
  // Serialised so two applies never interleave; the later one always wins.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = queue.then(fn, fn);
    queue = p.catch(() => undefined);
    return p;
  };
  // Shape of the table last written whole by this process (everything but the ports). When only ports
  // change, a cheaper script updates the one chain; if someone removed the table meanwhile, the update fails
  // and the whole table is written again.
  let shape: string | undefined;
  const shapeOf = (s: FirewallState) => JSON.stringify(s.bridges.map((b) => ({ ...b, ports: undefined })));
  return {
    apply: (state: FirewallState) => serial(async () => {
      const next = shapeOf(state);
      if (shape === next) {
        const r = await run(nft, ['-f', '-'], { input: renderPortsUpdate(table, state), allowFail: true });
        if (r.code === 0) return;
      }
      shape = undefined;
      await run(nft, ['-f', '-'], { input: renderUserChain(table) + renderTable(table, state) });
      shape = next;
    }),
    remove: () => serial(async () => {
      shape = undefined;
      await run(nft, ['-f', '-'], { input: renderDelete(table) });
      // The user's table goes only when it holds no rule of theirs (then it is just our empty hook).
      const r = await run(nft, ['-j', 'list', 'chain', 'inet', `${table}_user`, 'forward'], { allowFail: true });
      if (r.code === 0 && !r.stdout.includes('"rule"')) await run(nft, ['delete', 'table', 'inet', `${table}_user`], { allowFail: true });
    }),
  };
}
