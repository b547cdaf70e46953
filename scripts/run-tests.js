#!/usr/bin/env node
// Runs jest with the given arguments and ends with one plain summary line ("N passed, N failed,
// N skipped"), which CI reads; the exit code is jest's. Before it: the slowest test files, with
// their seconds (docs/development.md, "Keeping the tests fast").

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const out = path.join(os.tmpdir(), `omero-fs-jest-${process.pid}.json`);
const jest = require.resolve("jest/bin/jest");
const r = spawnSync(process.execPath, [jest, "--ci", "--json", `--outputFile=${out}`, ...process.argv.slice(2)], {
  stdio: "inherit",
});
let summary = "0 passed, 1 failed";
try {
  const j = JSON.parse(fs.readFileSync(out, "utf8"));
  const slow = j.testResults
    .map((t) => ({ file: path.relative(process.cwd(), t.name), s: (t.endTime - t.startTime) / 1000 }))
    .sort((a, b) => b.s - a.s)
    .slice(0, 10);
  process.stdout.write(`\nslowest test files (s): ${slow.map((t) => `${t.file} ${t.s.toFixed(1)}`).join(", ")}\n`);
  // `OMERO_FS_TEST_DURATIONS=FILE`: each file's seconds, for scripts/test/durations.json (the sequencer's
  // order in a fresh clone, where jest has no timings of its own).
  if (process.env.OMERO_FS_TEST_DURATIONS) {
    const secs = Object.fromEntries(
      j.testResults
        .map((t) => [path.relative(process.cwd(), t.name), Math.round((t.endTime - t.startTime) / 100) / 10])
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    fs.writeFileSync(process.env.OMERO_FS_TEST_DURATIONS, `${JSON.stringify(secs, null, 2)}\n`);
  }
  summary = `${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests + j.numTodoTests} skipped`;
  if (j.numFailedTestSuites > 0 && j.numFailedTests === 0)
    summary = `${j.numPassedTests} passed, ${j.numFailedTestSuites} failed`;
  fs.rmSync(out, { force: true });
} catch {
  // jest died before writing results: counted as a failure above
}
process.stdout.write(`\nTests: ${summary}\n`);
process.exit(r.status === null ? 1 : r.status);
