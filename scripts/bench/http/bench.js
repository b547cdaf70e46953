#!/usr/bin/env node
/*
 * The node's read paths on a large ledger: /metrics' ledger query, the status page's queries and
 * HTML, and a search, on a synthetic ledger of --filesets filesets (1 % failed, 20 users, one
 * importer run each, the last 10 % queued). Prints milliseconds per call (median of --runs).
 *
 *   node scripts/bench/http/bench.js [--filesets 100000] [--runs 5]
 */

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const REPO = path.resolve(__dirname, "..", "..", "..");
const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(opt("filesets", "100000"));
const RUNS = Number(opt("runs", "5"));

const { openLedgerDb } = require(path.join(REPO, "packages", "dropbox", "dist", "ledger", "index.js"));
const { openLedgerView } = require(path.join(REPO, "packages", "dropbox", "dist", "ledger", "view.js"));
const { renderPage } = require(path.join(REPO, "packages", "cli", "dist", "node", "http", "page.js"));
const { summarize } = require(path.join(REPO, "packages", "cli", "dist", "core", "stuck.js"));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "omero-fs-bench-http-"));
const file = path.join(dir, "dropbox.sqlite");
const db = openLedgerDb(file);
const t0 = Date.now();
const now = Date.now();
const insFs = db.prepare(
  `INSERT INTO filesets(id, watch, user, key, reader, entry, state, importer, created_at, imported_at, target, error, attempts)
   VALUES (?, 0, ?, ?, 'r', ?, ?, 'exec', ?, ?, ?, ?, 1)`,
);
const insMember = db.prepare("INSERT INTO fileset_files(fileset, ord, path) VALUES (?, 0, ?)");
const insFile = db.prepare(
  `INSERT INTO files(path, watch, user, size, mtime_ms, state, fileset, last_event_ms, seen_at) VALUES (?, 0, ?, 1, 0, ?, ?, 0, ?)`,
);
const insAttempt = db.prepare(
  "INSERT INTO attempts(fileset, n, importer, started_at, finished_at, ok, error) VALUES (?, 1, 'exec', ?, ?, ?, ?)",
);
db.transaction(() => {
  for (let i = 1; i <= N; i++) {
    const user = `user${i % 20}`;
    const p = `/data/DropBox/${user}/d${Math.floor(i / 2000)}/image-${i}.tif`;
    const failed = i % 100 === 0;
    // The last 10 %: a backlog still queued (no run yet), as after a cold start.
    if (i > N * 0.9) {
      const at = new Date(now).toISOString();
      insFs.run(i, user, p, p, "queued", at, null, null, null);
      insMember.run(i, p);
      insFile.run(p, user, "grouped", i, at);
      continue;
    }
    const at = new Date(now - (N - i) * 1000).toISOString();
    const end = new Date(now - (N - i) * 1000 + 2000).toISOString();
    insFs.run(
      i,
      user,
      p,
      p,
      failed ? "failed" : "imported",
      at,
      failed ? null : at,
      failed ? null : `Image:${i}`,
      failed ? "exec command exited 1: bad" : null,
    );
    insMember.run(i, p);
    insFile.run(p, user, failed ? "grouped" : "imported", i, at);
    insAttempt.run(i, at, end, failed ? 0 : 1, failed ? "exec command exited 1: bad" : null);
  }
})();
db.close();
console.log(`synthetic ledger: ${N} filesets in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const view = openLedgerView(file);
const median = (fn) => {
  const xs = [];
  for (let r = 0; r < RUNS; r++) {
    const t = process.hrtime.bigint();
    fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)].toFixed(1);
};
const rules = {
  dirImportWaitMs: () => 60_000,
  incompleteWaitMs: () => 86_400_000,
  companionWaitMs: () => 600_000,
  throttleMs: () => 10_000,
  importTimeoutMs: 3_600_000,
};
const attention = () => {
  const s = summarize(view.pending(), rules, now, view.lastRunMs(), false);
  return {
    stuck: view.pageFilesets(s.stuckIds.slice(0, 10)).map((f) => ({ f, overdueMs: s.overdueMs.get(f.id) ?? 0 })),
    stuckTotal: s.stuck,
    oldestWaiting: s.oldestWaitingId === null ? null : view.pageFilesets([s.oldestWaitingId])[0],
  };
};
const ctx = (data) => ({
  data,
  q: "",
  filter: { state: null, user: null },
  allUsers: data.users,
  attention: attention(),
  now,
  watchDirs: ["/data/DropBox"],
  quietSeconds: [60],
  refreshSeconds: 10,
  nonce: "x",
});
let html = "";
console.log(`/metrics ledger query:       ${median(() => view.metrics())} ms`);
console.log(`status page queries:         ${median(() => view.page())} ms`);
console.log(`stuck versus waiting:        ${median(() => attention())} ms (every fileset not finished judged)`);
console.log(
  `status page queries + HTML:  ${median(() => {
    html = renderPage(ctx(view.page()));
  })} ms (${(html.length / 1024).toFixed(0)} KiB)`,
);
console.log(`search ("image-4242"):       ${median(() => view.page({ q: "image-4242" }))} ms`);
view.close();
if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
else console.log(file);
