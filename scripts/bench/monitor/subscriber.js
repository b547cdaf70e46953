#!/usr/bin/env node
// MonitorServer subscriber in its own process: prints "<monotonic ns> <type> <path>" per event.
const path = require("node:path");
const zmq = require(require.resolve("zeromq", { paths: [path.join(__dirname, "../../../packages/monitor")] }));
async function main() {
  const sock = new zmq.Subscriber({ receiveHighWaterMark: 0 });
  sock.connect(process.argv[2]);
  sock.subscribe();
  process.stdout.write("READY\n");
  for await (const [, body] of sock) {
    const t = String(process.hrtime.bigint());
    const b = JSON.parse(body.toString());
    let out = "";
    for (const e of b.events) out += `${t} ${e.type} ${JSON.stringify(e.path)}\n`;
    if (b.rescan) out += `${t} RESCAN ${JSON.stringify(b.rescan.path)}\n`;
    process.stdout.write(out);
  }
}
main();
