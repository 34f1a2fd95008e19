// The IPv6 userland proxy with real sockets on loopback: a UDP echo "container" on 127.0.0.1 behind [::1].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { PortProxies } from '../../../src/network/port-proxy.js';
import { silentLogger } from '../../../src/lib/logger.js';

async function bound(s: Socket, address: string): Promise<number> {
  s.bind(0, address);
  await once(s, 'listening');
  return s.address().port;
}

/** A free UDP port on ::1 (bind, read, close). */
async function freePort6(): Promise<number> {
  const s = createSocket({ type: 'udp6', ipv6Only: true });
  const port = await bound(s, '::1');
  s.close();
  return port;
}

test('UDP on an IPv6 host address: datagrams reach the container and replies come back per client', async () => {
  const echo = createSocket('udp4');
  const containerPort = await bound(echo, '127.0.0.1');
  const seen = new Set<string>();
  echo.on('message', (msg, from) => { seen.add(`${from.address}:${from.port}`); echo.send(Buffer.concat([Buffer.from('echo:'), msg]), from.port, from.address); });
  const proxies = new PortProxies(silentLogger);
  const hostPort = await freePort6();
  await proxies.start('c1', [{ hostIp: '::1', hostPort, containerPort, protocol: 'udp' }], '127.0.0.1');
  const clients = [createSocket('udp6'), createSocket('udp6')];
  try {
    for (const [i, c] of clients.entries()) {
      await bound(c, '::1');
      const reply = once(c, 'message');
      c.send(`hello ${i}`, hostPort, '::1');
      const [msg] = await reply as [Buffer];
      assert.equal(msg.toString(), `echo:hello ${i}`);
    }
    assert.equal(seen.size, 2, 'each client gets its own upstream socket');
  } finally {
    for (const c of clients) c.close();
    proxies.stop('c1');
    echo.close();
  }
  // Stopped: the port is free again.
  const again = createSocket({ type: 'udp6', ipv6Only: true });
  again.bind(hostPort, '::1');
  await once(again, 'listening');
  again.close();
});

test('SCTP on an IPv6 host address is refused before anything listens', async () => {
  const proxies = new PortProxies(silentLogger);
  await assert.rejects(proxies.start('c2', [{ hostIp: '::1', hostPort: 1, containerPort: 1, protocol: 'sctp' }], '127.0.0.1'), /sctp userland proxy/);
});
