// The order jest starts test files in. Long files first, so that no worker is left with one long
// file at the end while the others idle: jest's own order (the last run's durations from its cache)
// is kept when the cache knows a file; a file it does not know (a fresh clone: CI) takes its
// seconds from durations.json beside this file (a full run on the 2-core machine, recorded with
// `OMERO_FS_TEST_DURATIONS=scripts/test/durations.json node scripts/run-tests.js`), and a file
// missing there too is estimated: an end-to-end file as longer than any unit file (they start
// processes and wait on quiet periods; a unit file runs in milliseconds).
const fs = require("node:fs");
const path = require("node:path");
// jest's own sequencer, found through jest (pnpm does not hoist it).
const from = (m, p) => require.resolve(m, { paths: [p] });
const Sequencer = require(from("@jest/test-sequencer", from("@jest/core", require.resolve("jest")))).default;

const ROOT = path.resolve(__dirname, "..", "..");
const RECORDED = (() => {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "durations.json"), "utf8"));
  } catch {
    return {};
  }
})();

class LongestFirst extends Sequencer {
  sort(tests) {
    const estimate = (t) => {
      if (t.duration != null) return t.duration;
      const recorded = RECORDED[path.relative(ROOT, t.path)];
      if (recorded != null) return recorded * 1000;
      const size = t.context.hasteFS.getSize(t.path) ?? 0;
      return t.context.config.displayName?.name === "e2e" ? 10_000 + size : size / 10;
    };
    for (const t of tests) t.duration = this.time(t);
    const failed = new Map(tests.map((t) => [t, this.hasFailed(t)]));
    return [...tests].sort((a, b) => {
      if (failed.get(a) !== failed.get(b)) return failed.get(a) ? -1 : 1;
      return estimate(b) - estimate(a);
    });
  }
}

module.exports = LongestFirst;
