// The order jest starts test files in. Long files first, so that no worker is left with one long
// file at the end while the others idle: jest's own order (the last run's durations from its cache,
// else file size) is kept when the cache knows a file; a file it does not know (a fresh clone) is
// estimated, an end-to-end file as longer than any unit file (they start processes and wait on
// quiet periods; a unit file runs in milliseconds).
// jest's own sequencer, found through jest (pnpm does not hoist it).
const from = (m, p) => require.resolve(m, { paths: [p] });
const Sequencer = require(from("@jest/test-sequencer", from("@jest/core", require.resolve("jest")))).default;

class LongestFirst extends Sequencer {
  sort(tests) {
    const estimate = (t) => {
      if (t.duration != null) return t.duration;
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
