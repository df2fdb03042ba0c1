// A TCP pass-through on loopback that makes a server on this machine look RTT_MS away: every chunk
// is delayed by half a round trip in each direction, and a new connection costs one more round trip
// before its first bytes reach the server, as TCP's handshake does. TLS (and the HTTP/2 or HTTP/1.1
// inside it) passes through untouched: clients still verify the server's own certificate, which is
// issued for 127.0.0.1.
//
//   node bench/latency-proxy.mjs TARGET_HOST:PORT RTT_MS     prints "listening PORT", runs until killed
//
// A process of its own, so that a benchmark timing children with spawnSync does not stall it.
import net from 'node:net';

const [target, rttText] = process.argv.slice(2);
const [host, portText] = target.split(/:(?=\d+$)/);
const rtt = Number(rttText);
const oneWay = rtt / 2;

/** Forwards `from` to `to`, each chunk `oneWay` ms later (the first `extra` ms more), in order. */
function pipe(from, to, extra) {
  let last = 0;
  const later = (fn, arrived) => {
    const at = Math.max(arrived + oneWay + extra, last);
    extra = 0;
    last = at;
    const wait = at - performance.now();
    if (wait <= 0 && rtt === 0) fn();
    else setTimeout(fn, Math.max(0, wait));
  };
  from.on('data', (chunk) => later(() => to.writable && to.write(chunk), performance.now()));
  from.on('end', () => later(() => to.end(), performance.now()));
  from.on('error', () => to.destroy());
  from.on('close', () => later(() => to.destroy(), performance.now()));
}

const server = net.createServer({ noDelay: true }, (client) => {
  const upstream = net.connect({ host, port: Number(portText), noDelay: true });
  upstream.on('error', () => client.destroy());
  pipe(client, upstream, rtt);
  pipe(upstream, client, 0);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
