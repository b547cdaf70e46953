// Faults, one at a time at random moments: kill -9 of the node, the MonitorServer, the DropBox and an
// importer mid-run; ledger disk-full windows (the DropBox's OMERO_FS_TEST_LEDGER_FULL_WHILE flag
// file); MonitorServer stalls (SIGSTOP ... SIGCONT). Each waits until the system is back (the node
// restarted the server, `admin start` returned) before the next one.
const fs = require("node:fs");
const path = require("node:path");
const { sleep } = require("./tools");

const FAULTS = {
  "kill-dropbox": 4,
  "kill-monitor": 3,
  "kill-node": 2,
  "kill-importer": 4,
  "ledger-full": 3,
  "monitor-stall": 3,
};

class Faults {
  constructor(home, opts) {
    this.home = home;
    this.rng = opts.rng;
    this.importer = opts.importer;
    this.log = opts.log;
    this.counts = Object.fromEntries(Object.keys(FAULTS).map((k) => [k, 0]));
    this.problems = [];
    this.stopped = false;
  }

  /** Inject faults until `until` (ms since epoch), about one per `meanMs`. */
  async run(until, meanMs) {
    while (!this.stopped) {
      const wait = Math.min(this.rng.exp(meanMs), Math.max(0, until - Date.now()));
      await sleep(wait);
      if (this.stopped || Date.now() >= until) break;
      const kind = this.rng.weighted(FAULTS);
      try {
        if (await this.inject(kind)) this.counts[kind] += 1;
      } catch (e) {
        this.problem(`${kind}: ${e.message}`);
      }
    }
  }

  problem(text) {
    this.problems.push(text);
    this.log(`fault problem: ${text}`);
  }

  /** Wait until `name` runs under a pid other than `old` (the node restarted it). */
  async restarted(name, old, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pid = this.home.pid(name);
      if (pid && pid !== old) return pid;
      await sleep(100);
    }
    throw new Error(`${name} was not restarted within ${timeoutMs / 1000} s of its kill -9 (admin status shows why)`);
  }

  kill9(name) {
    const pid = this.home.pid(name);
    if (!pid) return null;
    process.kill(pid, "SIGKILL");
    this.log(`kill -9 ${name} (pid ${pid})`);
    return pid;
  }

  async inject(kind) {
    const { rng, home } = this;
    switch (kind) {
      case "kill-dropbox":
      case "kill-monitor": {
        const name = kind === "kill-dropbox" ? "DropBox" : "MonitorServer";
        const pid = this.kill9(name);
        if (!pid) return false;
        await this.restarted(name, pid);
        return true;
      }
      case "kill-importer":
        return this.importer === "exec" ? this.killSim() : this.killDropBoxImporting();
      case "kill-node": {
        const pid = this.kill9("node");
        if (!pid) return false;
        // Users keep dropping files while nothing runs.
        await sleep(rng.int(500, 5000));
        await home.start();
        this.log("admin start after the node's kill -9");
        return true;
      }
      case "ledger-full": {
        const ms = rng.int(1500, 8000);
        fs.writeFileSync(home.flag, "SQLITE_FULL");
        this.log(`ledger full for ${ms} ms`);
        await sleep(ms);
        fs.rmSync(home.flag, { force: true });
        return true;
      }
      case "monitor-stall": {
        const pid = home.pid("MonitorServer");
        if (!pid) return false;
        const ms = rng.int(1500, 10_000);
        process.kill(pid, "SIGSTOP");
        this.log(`MonitorServer (pid ${pid}) stopped for ${ms} ms`);
        try {
          await sleep(ms);
        } finally {
          process.kill(pid, "SIGCONT");
        }
        return true;
      }
      default:
        throw new Error(`unknown fault ${kind}`);
    }
  }

  /** The exec importer: kill -9 the process group of a running upload (claimed first, see omero-sim.js). */
  async killSim() {
    const running = path.join(this.home.store, "running");
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      let names = [];
      try {
        names = fs.readdirSync(running);
      } catch {
        // nothing ran yet
      }
      if (names.length > 0) {
        const pid = this.rng.pick(names);
        const claimed = path.join(this.home.store, "killing", pid);
        try {
          fs.renameSync(path.join(running, pid), claimed);
        } catch {
          continue; // it committed meanwhile
        }
        // Its process group (the exec importer starts each run in its own); gone meanwhile: nothing to kill.
        for (const target of [-Number(pid), Number(pid)]) {
          try {
            process.kill(target, "SIGKILL");
            break;
          } catch {
            // not a group leader, or already gone
          }
        }
        fs.rmSync(claimed, { force: true });
        this.log(`kill -9 importer (pid ${pid})`);
        return true;
      }
      await sleep(100);
    }
    return false;
  }

  /** The local importer runs inside the DropBox: kill -9 the DropBox while an import runs. */
  async killDropBoxImporting() {
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline) {
      const r = await this.home.cli(["imports", "list", "--state", "importing", "--json"]);
      if (r.code === 0 && JSON.parse(r.stdout).length > 0) {
        const pid = this.kill9("DropBox");
        if (!pid) return false;
        this.log("(the DropBox was importing)");
        await this.restarted("DropBox", pid);
        return true;
      }
      await sleep(200);
    }
    return false;
  }

  /** Undo what a fault may have left (the run is over): the flag file gone, the MonitorServer running. */
  async settle() {
    this.stopped = true;
    fs.rmSync(this.home.flag, { force: true });
    const pid = this.home.pid("MonitorServer");
    if (pid) process.kill(pid, "SIGCONT");
  }
}

module.exports = { FAULTS, Faults };
