#!/usr/bin/env node
// Raw @parcel/watcher adapter: prints "<monotonic ns> <type> <path>" per event, READY when subscribed.
const path = require("node:path");
const parcel = require(
  require.resolve("@parcel/watcher", { paths: [path.join(__dirname, "../../../packages/monitor")] }),
);
const root = process.argv[2];
parcel
  .subscribe(root, (err, events) => {
    const t = String(process.hrtime.bigint());
    if (err) process.stdout.write(`${t} ERROR ${err.message}\n`);
    let out = "";
    for (const e of events) out += `${t} ${e.type} ${e.path}\n`;
    process.stdout.write(out);
  })
  .then(() => process.stdout.write("READY\n"));
