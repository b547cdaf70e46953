#!/usr/bin/env node
// chokidar adapter: prints "<monotonic ns> <add|change|addDir> <path>" per event, READY once ready.
// chokidar is not a dependency of the repository: install it in a scratch directory
// (npm i chokidar@4 in $BENCH_PEERS, default /tmp/bench-peers) and it is required from there.
const path = require("node:path");
const peers = process.env.BENCH_PEERS || "/tmp/bench-peers";
const chokidar = require(require.resolve("chokidar", { paths: [peers] }));
const root = process.argv[2];
const w = chokidar.watch(root, { ignoreInitial: true, awaitWriteFinish: false });
for (const type of ["add", "change", "addDir"]) {
  w.on(type, (p) => process.stdout.write(`${process.hrtime.bigint()} ${type} ${path.resolve(p)}\n`));
}
w.on("error", (e) => process.stdout.write(`${process.hrtime.bigint()} ERROR ${e.message}\n`));
w.on("ready", () => process.stdout.write("READY\n"));
