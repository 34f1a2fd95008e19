// Runs for a moment inside one container's network namespace (started by ns-dns.ts through nsenter): binds
// Docker's resolver address there, 127.0.0.11:53 over UDP and TCP, hands both sockets to berthd over the IPC
// channel it was started with, and exits. berthd then owns sockets that live in the container's namespace.
// Every millisecond of the helper's start-up is paid by a container start, so it is not a module file: ns-dns.ts
// runs this one function's source with `node -e` (a CommonJS script: no ESM loader, no file lookup, ~8 ms less
// here). Hence no imports: the function takes what it needs from process.getBuiltinModule.

/** The helper's whole program. Self-contained: it is sent as source text, not imported. */
export function bindAndHandOver(): void {
  const { createSocket } = process.getBuiltinModule('node:dgram');
  const { createServer } = process.getBuiltinModule('node:net');
  const send = process.send!.bind(process);
  // Tells berthd why (EADDRINUSE, EACCES…) and exits once the message is out.
  const fail = (e: unknown) => send({ error: e instanceof Error ? e.message : String(e) }, undefined, {}, () => process.exit(1));
  const udp = createSocket('udp4');
  udp.once('error', fail);
  udp.bind({ address: '127.0.0.11', port: 53 }, () => {
    const tcp = createServer();
    tcp.once('error', fail);
    tcp.listen({ host: '127.0.0.11', port: 53 }, () => {
      // keepOpen is false by default: our copy closes once sent, berthd's is the only one left.
      send({ socket: 'udp' }, udp, {}, (e) => {
        if (e) return fail(e);
        send({ socket: 'tcp' }, tcp, {}, (e2) => (e2 ? fail(e2) : process.exit(0)));
      });
    });
  });
}
