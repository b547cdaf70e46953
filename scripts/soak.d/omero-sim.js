#!/usr/bin/env node
// The soak's OMERO for the `exec` importer: `omero-sim.js STORE USER FILESET FILE...` "uploads" every
// file (reads it, SHA-1), taking SOAK_SIM_MS (x 0.3-1.7) so a kill can land mid-run, then commits one
// JSON line to STORE/imports.jsonl ({fileset, user, pid, files: [{source, size, sha1}]}) and prints
// its target. While uploading it is listed in STORE/running/<pid>; it commits only if it can move
// that entry to committing/ first, so the soak's importer kill (which moves it to killing/ before it
// sends SIGKILL) always lands before the commit: an import that died with nothing in OMERO.
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const [store, user, fileset, ...files] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sha1Of(file) {
  const hash = crypto.createHash("sha1");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}

async function main() {
  for (const d of ["running", "committing", "killing"]) fs.mkdirSync(path.join(store, d), { recursive: true });
  const mine = path.join(store, "running", String(process.pid));
  fs.writeFileSync(mine, JSON.stringify({ pid: process.pid, fileset: Number(fileset), user }));
  const total = Number(process.env.SOAK_SIM_MS || 600) * (0.3 + 1.4 * Math.random());
  const out = [];
  for (const f of files) {
    const before = fs.statSync(f);
    await sleep(total / files.length);
    const sha1 = await sha1Of(f);
    const after = fs.statSync(f);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      fs.rmSync(mine, { force: true });
      process.stderr.write(`omero-sim: ${f} changed during the upload\n`);
      process.exit(2);
    }
    out.push({ source: f, size: after.size, sha1 });
  }
  try {
    fs.renameSync(mine, path.join(store, "committing", String(process.pid)));
  } catch {
    // claimed by the soak's importer kill: wait for the SIGKILL, commit nothing
    setInterval(() => {}, 1000);
    return;
  }
  const record = { fileset: Number(fileset), user, pid: process.pid, at: Date.now(), files: out };
  fs.appendFileSync(path.join(store, "imports.jsonl"), `${JSON.stringify(record)}\n`);
  fs.rmSync(path.join(store, "committing", String(process.pid)), { force: true });
  process.stdout.write(`Fileset:${fileset} Image:${process.pid}\n`);
}

main().catch((e) => {
  process.stderr.write(`omero-sim: ${e.message}\n`);
  process.exit(1);
});
